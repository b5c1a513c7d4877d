"""The smallest useful aiohttp application: one route, one handler, one HTML page.

Notice the three objects every later day is built from: the ``web.Application`` that holds
the routes, the handler (an ``async def`` taking a ``web.Request``), and the ``web.Response``
it returns. ``create_app()`` builds the application without starting anything, so the server
and the tests can share it.
"""

from aiohttp import web

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Awesome</title>
</head>
<body>
  <h1>Awesome</h1>
  <p>Your first aiohttp server is running.</p>
</body>
</html>
"""


async def index(request: web.Request) -> web.Response:
    # content_type="text/html" tells the browser to render the page; aiohttp adds
    # "; charset=utf-8" because text= is encoded as UTF-8.
    return web.Response(text=PAGE, content_type="text/html")


def create_app() -> web.Application:
    """Build the application: the router gets one route, GET / -> index."""
    app = web.Application()
    app.router.add_get("/", index)
    return app
