"""The application factory: ``create_app`` wires coroweb, the middlewares, Jinja2, the database.

Read ``create_app`` top to bottom and you have the whole site, as the server and the tests
both build it: the middlewares in order, the database (``cleanup_ctx``), templates, routes.
"""

import time
from datetime import datetime
from pathlib import Path

import jinja2
from aiohttp import web

from . import handlers
from .coroweb import add_routes, add_static
from .middlewares import JINJA2, access_log, response_factory
from .models import Blog, Comment, User
from .orm import close_pool, create_pool, create_tables, statement_listeners
from .tracing import send, trace, trace_statement

HERE = Path(__file__).resolve().parent
DB_URL = web.AppKey("db_url", str)
MODELS = (User, Blog, Comment)  # the blog's tables, created at start-up if missing


def database_url(db_url: str | None = None) -> str:
    if db_url:
        return db_url  # else an SQLite file in this day's git-ignored instance/ folder
    (HERE / "instance").mkdir(exist_ok=True)
    return f"sqlite:///{HERE / 'instance' / 'blog.db'}"


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


def init_jinja2(app: web.Application) -> None:
    """This day's ``templates/``, autoescaped: an article titled ``<script>`` shows as text."""
    loader = jinja2.FileSystemLoader(HERE / "templates")
    app[JINJA2] = jinja2.Environment(loader=loader, autoescape=True)
    app[JINJA2].filters["datetime"] = datetime_filter


async def database(app: web.Application):
    """While the app runs: the ORM's pool (missing tables created), each statement traced (6)."""
    await create_pool(app[DB_URL])
    statement_listeners.append(trace_statement)
    try:
        await create_tables(*MODELS)
        yield
    finally:
        statement_listeners.remove(trace_statement)
        await close_pool()


def create_app(db_url: str | None = None) -> web.Application:
    """The blog's application, on ``db_url`` or the default SQLite file."""
    app = web.Application(middlewares=[trace, access_log, response_factory])
    app[DB_URL] = database_url(db_url)
    app.on_response_prepare.append(send)
    app.cleanup_ctx.append(database)
    init_jinja2(app)
    add_routes(app, handlers)
    add_static(app)
    return app
