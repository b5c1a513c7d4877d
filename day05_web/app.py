"""The application: ``create_app`` wires coroweb, the middlewares, Jinja2 and the database.

Notice ``response_factory``: it is the one place where a handler's plain return value (a
dict, a str, bytes, an int...) becomes an HTTP response, and where an ``APIError`` becomes
JSON with its real status. The server (``python -m``) and the tests build the same app.
"""

import functools
import json
import logging
import time
from datetime import datetime
from pathlib import Path

import jinja2
from aiohttp import web

from . import handlers
from .apis import APIError
from .coroweb import add_routes, add_static
from .models import Blog, Comment, User
from .orm import DatabaseUnavailableError, close_pool, create_pool, create_tables
from .tracing import record, send, trace, trace_queries

HERE = Path(__file__).resolve().parent
INSTANCE = HERE / "instance"  # git-ignored: the default database lives here
TEMPLATES = HERE / "templates"

DB_URL = web.AppKey("db_url", str)
JINJA2 = web.AppKey("jinja2", jinja2.Environment)

log = logging.getLogger(__name__)


def database_url(db_url: str | None = None) -> str:
    """The URL given, or an SQLite file in this day's ``instance/`` folder, wherever you run."""
    if db_url:
        return db_url
    INSTANCE.mkdir(exist_ok=True)
    return f"sqlite:///{INSTANCE / 'blog.db'}"


# --- Jinja2 ------------------------------------------------------------------------------


def datetime_filter(t: float) -> str:
    """A ``created_at`` timestamp as people say it: "3 hours ago", then a date."""
    seconds = time.time() - t
    if seconds < 60:
        return "just now"
    for unit, size, limit in (("minute", 60, 3600), ("hour", 3600, 86400), ("day", 86400, 604800)):
        if seconds < limit:
            n = int(seconds // size)
            return f"{n} {unit} ago" if n == 1 else f"{n} {unit}s ago"
    return datetime.fromtimestamp(t).date().isoformat()


def init_jinja2(app: web.Application, **options) -> None:
    """Give the app a Jinja2 environment: this day's ``templates/``, autoescaping on.

    ``path`` and ``filters`` choose other templates and add filters; any other option goes to
    ``jinja2.Environment``. Autoescaping is what makes a blog titled ``<script>`` harmless.
    """
    path = options.pop("path", TEMPLATES)
    filters = options.pop("filters", {})
    options.setdefault("autoescape", True)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(path), **options)
    env.filters.update(datetime=datetime_filter, **filters)
    app[JINJA2] = env


def render(request: web.Request, template: str, context: dict, status: int = 200):
    html = request.app[JINJA2].get_template(template).render(**context)
    return web.Response(text=html, content_type="text/html", status=status)


# --- middlewares -------------------------------------------------------------------------

dumps = functools.partial(json.dumps, ensure_ascii=False)


def json_response(data, status: int = 200) -> web.Response:
    """JSON as UTF-8, not ASCII-escaped: "博客" stays readable, and shorter."""
    return web.json_response(data, status=status, dumps=dumps)


@web.middleware
async def access_log(request: web.Request, handler) -> web.StreamResponse:
    """Log one line per request: method, path, status and the time it took, in milliseconds."""
    record(request, 3, "access_log", "clock started")
    started = time.perf_counter()
    status = 500  # what aiohttp answers when a handler fails with anything but an HTTP error
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        elapsed = (time.perf_counter() - started) * 1000
        log.info("%s %s %d %.2f ms", request.method, request.path_qs, status, elapsed)


@web.middleware
async def response_factory(request: web.Request, handler) -> web.StreamResponse:
    """Steps 7 and 8: turn what the handler returned, or raised, into a response."""
    record(request, 3, "response_factory", "the handler's return value will become a response")
    name = request.match_info.handler.__name__
    try:
        result = await handler(request)
    except APIError as exc:
        record(request, 7, name, f"raised {type(exc).__name__}({exc.data!r})")
        response = json_response(exc.to_json(), status=exc.status)
    except DatabaseUnavailableError as exc:
        record(request, 7, name, "raised DatabaseUnavailableError")
        log.error("%s %s: %s", request.method, request.path_qs, exc)
        response = unavailable(request)
    else:
        record(request, 7, name, f"returned {describe(result)}")
        response = to_response(request, result)
    content_type = response.headers.get("Content-Type", "no body")
    record(request, 8, "response_factory", f"{response.status}, {content_type}")
    return response


def describe(result) -> str:
    if isinstance(result, dict) and "__template__" in result:
        return f"a dict for the template {result['__template__']!r}"
    return f"a {type(result).__name__}"


def unavailable(request: web.Request) -> web.Response:
    """503: JSON for the API, a short page for a browser."""
    if request.path.startswith("/api/"):
        message = "the database cannot be reached; try again later"
        return json_response({"error": "database:unavailable", "data": "", "message": message}, 503)
    return render(request, "unavailable.html", {}, status=503)


def to_response(request: web.Request, result) -> web.StreamResponse:
    """The response for a handler's return value, for each kind of value a handler may return."""
    match result:
        case web.StreamResponse():
            return result
        case bytes():
            return web.Response(body=result, content_type="application/octet-stream")
        case str() if result.startswith("redirect:"):
            return web.Response(status=302, headers={"Location": result.removeprefix("redirect:")})
        case str():
            return web.Response(text=result, content_type="text/html")
        case {"__template__": str(template)}:
            return render(request, template, result)
        case dict():
            return json_response(result)
        case int() if not isinstance(result, bool):
            return web.Response(status=result)
        case (int() as status, text) if isinstance(result, tuple):
            return web.Response(status=status, text=str(text))
    raise TypeError(
        f"{request.path}: the handler returned {type(result).__name__}; return a response, "
        "bytes, a str, a dict, an int status or a (status, text) tuple"
    )


# --- the application ---------------------------------------------------------------------


async def database(app: web.Application):
    """Open the ORM's pool as the app starts (creating missing tables), close it as it stops."""
    await create_pool(app[DB_URL])
    try:
        await create_tables(User, Blog, Comment)
        yield
    finally:
        await close_pool()


def create_app(db_url: str | None = None) -> web.Application:
    """The blog's application, on ``db_url`` or the default SQLite file."""
    app = web.Application(middlewares=[trace, access_log, response_factory])
    app[DB_URL] = database_url(db_url)
    app.on_response_prepare.append(send)
    app.cleanup_ctx.extend([trace_queries, database])
    init_jinja2(app)
    add_routes(app, handlers)
    add_static(app)
    return app
