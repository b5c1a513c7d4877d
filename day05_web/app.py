"""The application factory: ``create_app`` wires coroweb, the middlewares, Jinja2, the database.

Read ``create_app`` top to bottom and you have the whole site: the middlewares in the order a
request meets them, the database opened and closed with the app (``cleanup_ctx``), the
templates, and the routes ``add_routes`` found in handlers.py. The server and the tests both
build the app with it.
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
from .orm import close_pool, create_pool, create_tables
from .tracing import send, trace, trace_queries

HERE = Path(__file__).resolve().parent
INSTANCE = HERE / "instance"  # git-ignored: the default database lives here
TEMPLATES = HERE / "templates"

DB_URL = web.AppKey("db_url", str)
MODELS = (User, Blog, Comment)  # the blog's tables, created at start-up if missing


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


# --- the application ---------------------------------------------------------------------


async def database(app: web.Application):
    """Open the ORM's pool as the app starts (creating missing tables), close it as it stops."""
    await create_pool(app[DB_URL])
    try:
        await create_tables(*MODELS)
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
