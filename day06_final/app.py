"""The application factory: ``create_app`` wires the configuration, the middlewares, Jinja2,
the database and the routes.

Read ``create_app`` top to bottom and you have the whole blog: the middlewares in the order a
request meets them, the database opened and closed with the app (``cleanup_ctx``), the
templates, and the routes ``add_routes`` found in handlers.py and api_handlers.py. The server,
gunicorn's workers and the tests all build the app with it; notice that it keeps nothing
between requests, so any number of processes can serve one database.
"""

import contextlib
import dataclasses
import os
import time
from datetime import datetime
from pathlib import Path

import jinja2
from aiohttp import web

from . import api_handlers, handlers
from .auth import auth
from .config import CONFIG, Config, load_config
from .coroweb import add_routes, add_static
from .csrf import csrf_protection
from .headers import security_headers
from .hygiene import no_internals
from .middlewares import JINJA2, access_log, errors, quiet_broken_requests, response_factory
from .models import AccountState, Blog, BlogHtml, Comment, CommentKey, SignInAttempt, User
from .orm import Model, close_pool, create_pool, create_tables
from .proxy import forwarded_headers
from .tracing import send, trace, trace_queries

TEMPLATES = Path(__file__).resolve().parent / "templates"


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


class ModelEnvironment(jinja2.Environment):
    """Jinja2, except that ``{{ blog.name }}`` on a Model reads the key ``name`` first.

    Jinja2 tries an attribute before a key. A Model has its values as keys, and answers an
    attribute through its ``__getattr__``, a Python call that reads the key anyway: on the home
    page that detour, fifty times a page, was the largest single cost in the profile
    (benchmarks/README.md). Going to the key first gives the same value for less; a name that
    is not a key (``blog.save``) is looked up as Jinja2 always does.
    """

    def getattr(self, obj, attribute):
        if isinstance(obj, Model):
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def init_jinja2(app: web.Application, **options) -> None:
    """Give the app a Jinja2 environment: this day's ``templates/``, autoescaping on.

    ``path`` and ``filters`` choose other templates and add filters; any other option goes to
    ``jinja2.Environment``. Autoescaping is what makes a blog titled ``<script>`` harmless.
    """
    path = options.pop("path", TEMPLATES)
    filters = options.pop("filters", {})
    options.setdefault("autoescape", True)
    env = ModelEnvironment(loader=jinja2.FileSystemLoader(path), **options)
    env.filters.update(datetime=datetime_filter, **filters)
    app[JINJA2] = env


# --- the application ---------------------------------------------------------------------


MODELS = (User, Blog, Comment, SignInAttempt, AccountState, BlogHtml, CommentKey)


def create_private_sqlite_file(db_url: str) -> None:
    """Create an SQLite database file readable by its owner only (0600), if it is not there.

    It holds every email and password hash; SQLite would create it as the umask says (often
    0644, readable by every account on the machine). Its -wal and -shm files copy its mode.
    """
    location = db_url.removeprefix("sqlite:///")
    if db_url.startswith("sqlite:///") and location and location != ":memory:":
        try:
            os.close(os.open(location, os.O_WRONLY | os.O_CREAT, 0o600))
        except OSError:  # no such folder, no permission: SQLite will say so in its own words
            pass


@contextlib.asynccontextmanager
async def open_database(config: Config):
    """The ORM's pool open on the configured database, missing tables created; closed after."""
    create_private_sqlite_file(config.db_url)
    await create_pool(config.db_url, timeout=config.db_timeout)
    try:
        await create_tables(*MODELS)
        yield
    finally:
        await close_pool()


async def database(app: web.Application):
    """Open the database as the app starts, close it as it stops (a ``cleanup_ctx``)."""
    async with open_database(app[CONFIG]):
        yield


async def create_app(db_url: str | None = None, *, config: Config | None = None) -> web.Application:
    """The blog, configured by ``config`` (else ``load_config()``), on ``db_url`` if given.

    Called with no arguments, as gunicorn's aiohttp worker calls it, the settings come from
    the environment, the override file and the defaults (see config.py).
    """
    if config is None:
        config = load_config({"db_url": db_url})
    elif db_url:
        config = dataclasses.replace(config, db_url=db_url)
    # Only behind your own proxy may its headers say the scheme and the client (proxy.py).
    proxy = [forwarded_headers] if config.trust_proxy else []
    middlewares = [
        trace,
        *proxy,
        access_log,
        errors,
        csrf_protection,
        auth,
        no_internals,
        response_factory,
    ]
    # client_max_size: a larger body is refused with a 413 as it is read, before it is stored.
    app = web.Application(middlewares=middlewares, client_max_size=config.max_body_size)
    app[CONFIG] = config
    app.on_response_prepare.extend([send, security_headers])
    app.cleanup_ctx.extend([trace_queries, quiet_broken_requests, database])
    # Each template is read and compiled once. Jinja2's auto_reload would check every
    # template's file on every page (a system call each) for a change that only a developer
    # makes: `serve --reload` restarts the blog when a template changes instead.
    init_jinja2(app, auto_reload=False)
    add_routes(app, handlers)
    add_routes(app, api_handlers)
    add_static(app)
    return app
