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

from aiohttp import web

from . import api_handlers, handlers
from .auth import auth
from .config import CONFIG, Config, load_config
from .coroweb import add_routes, add_static
from .csrf import csrf_protection
from .headers import security_headers
from .hygiene import no_internals
from .middlewares import access_log, errors, response_factory
from .models import AccountState, Blog, BlogHtml, Comment, CommentKey, SignInAttempt, User
from .orm import close_pool, create_pool, create_tables
from .proxy import forwarded_headers
from .templating import init_jinja2
from .tracing import quiet_broken_requests, send, trace, trace_queries

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
    """The ORM's pool open on the configured database, missing tables created; closed after:
    the one way the app (``database``) and the commands (``__main__.py``) open it."""
    create_private_sqlite_file(config.db_url)
    await create_pool(config.db_url, timeout=config.db_timeout)
    try:
        await create_tables(*MODELS)
        yield
    finally:
        await close_pool()


async def database(app: web.Application):
    """``open_database`` for as long as the app runs: its shape as a ``cleanup_ctx``."""
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
    init_jinja2(app, auto_reload=False, globals={"site_title": config.site_title})
    add_routes(app, handlers)
    add_routes(app, api_handlers)
    add_static(app)
    return app
