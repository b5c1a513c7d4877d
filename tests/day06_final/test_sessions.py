"""sessions.py on the wire: the cookie's flags, and a browser sending it back until signing out.

Signing, expiry and generations, without a server, are in test_unit_sessions.py.
"""

from http.cookies import SimpleCookie

import pytest
from aiohttp import web

SECRET = "k" * 43
HOUR = 3600


@pytest.fixture
def settings(workbook, day):
    """Build a Config with the test secret and any overrides."""
    config = workbook.load(day, "config")
    return lambda **changes: config.Config(db_url="sqlite:///x.db", secret=SECRET, **changes)


@pytest.fixture
def serve(aiohttp_client, sessions):
    """A client for a tiny app: POST /signin starts a session, /me reads it, /signout ends it."""

    async def start(config, middlewares=()):
        async def signin(request):
            response = web.Response(text="signed in")
            sessions.start_session(response, request, "u1", "hash-1", config)
            return response

        async def me(request):
            session = sessions.read_session(request.cookies.get(sessions.COOKIE_NAME), SECRET)
            # As the blog checks it: for u1's password hash, an account nobody touched (0).
            valid = session and session.matches("hash-1", SECRET, generation=0)
            return web.Response(text=session.user_id if valid else "nobody")

        async def signout(request):
            response = web.Response(text="signed out")
            sessions.end_session(response)
            return response

        app = web.Application(middlewares=list(middlewares))
        app.router.add_post("/signin", signin)
        app.router.add_get("/me", me)
        app.router.add_post("/signout", signout)
        return await aiohttp_client(app)

    return start


def cookie(response, name):
    jar = SimpleCookie()
    jar.load(response.headers["Set-Cookie"])
    return jar[name]


async def test_the_session_cookie_is_httponly_samesite_lax_for_the_whole_site(
    sessions, serve, settings
):
    client = await serve(settings(session_max_age=HOUR))
    response = await client.post("/signin")
    morsel = cookie(response, sessions.COOKIE_NAME)
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    assert morsel["path"] == "/"
    assert morsel["max-age"] == str(HOUR)
    # Served over plain HTTP, so not Secure: a Secure cookie would never come back.
    assert not morsel["secure"]


async def test_the_browser_sends_the_cookie_back_and_signing_out_drops_it(serve, settings):
    client = await serve(settings())
    await client.post("/signin")
    assert await (await client.get("/me")).text() == "u1"
    await client.post("/signout")
    assert await (await client.get("/me")).text() == "nobody"


async def test_the_cookie_is_secure_when_configured_always(sessions, serve, settings):
    client = await serve(settings(secure_cookie="always"))
    assert cookie(await client.post("/signin"), sessions.COOKIE_NAME)["secure"] is True


@pytest.mark.parametrize("trusted, secure", [(True, True), (False, False)])
async def test_the_cookie_is_secure_behind_an_https_proxy_only_when_it_is_trusted(
    workbook, day, sessions, serve, settings, trusted, secure
):
    proxy = workbook.load(day, "proxy")
    client = await serve(settings(), [proxy.forwarded_headers] if trusted else [])
    response = await client.post("/signin", headers={"X-Forwarded-Proto": "https"})
    assert bool(cookie(response, sessions.COOKIE_NAME)["secure"]) is secure
