"""Run day 6 from the repository root: serve the blog, and the commands that look after it.

``python -m day06_final`` serves it (``serve``: ``--host``, ``--port``, ``--reload``);
``init-db`` creates the tables; ``create-admin --email E --name N`` makes an administrator;
``seed --posts N`` adds demo content; ``routes`` prints where each URL lands; ``schema`` and
``doctor`` are day 4's. Every command takes ``--db URL`` and ``--config FILE``. Notice how
each one fails: one line saying what is wrong and a non-zero exit status, never a traceback,
whatever the mistake.
"""

import argparse
import asyncio
import getpass
import logging
import sys
from pathlib import Path
from urllib.parse import urlsplit

import watchfiles
from aiohttp import web

from . import accounts, doctor, orm, seed, tracing
from .apis import APIError
from .app import MODELS, create_app, open_database
from .auth import access_of
from .config import Config, load_config
from .models import User
from .orm import DatabaseError, MySQLBackend
from .validation import Password

HERE = Path(__file__).resolve().parent
SCHEMA_HEADER = f"""\
-- The blog's tables for MySQL/MariaDB, generated from models.py: do not edit by hand.
-- Regenerate it: python -m {__package__} schema > {__package__}/schema.sql
-- Load it into a database made with CREATE DATABASE blog CHARACTER SET utf8mb4:
--   mysql -u root -p blog < {__package__}/schema.sql
"""


class CommandError(Exception):
    """A mistake the person at the keyboard can fix: printed as one line, exit status 1."""


def schema() -> str:
    """The MySQL DDL of every model, as schema.sql holds it."""
    statements = [statement for model in MODELS for statement in MySQLBackend.create_table(model)]
    return SCHEMA_HEADER + "".join(f"\n{statement};\n" for statement in statements)


def shown(url: str) -> str:
    """A database URL fit to print: its password starred out."""
    password = urlsplit(url).password
    return url.replace(f":{password}@", ":***@") if password else url


# --- the commands ------------------------------------------------------------------------


def serve(config: Config, args) -> None:
    if not args.reload:
        run_server(config, bool(args.trace))
        return
    print(f"watching {HERE} for changes to .py and .html files: the server restarts after each")
    # The server runs in a child process that watchfiles restarts; the child imports
    # run_server by name. The app reads each template once, so a changed one needs a restart too.
    watchfiles.run_process(
        HERE,
        target=f"{__package__}.__main__.run_server",
        target_type="function",
        args=(config, bool(args.trace)),
        watch_filter=watchfiles.PythonFilter(extra_extensions=(".html",)),
    )


def where(db_url: str) -> str:
    """The database as a person looks for it: an SQLite file's full path, else the URL."""
    location = db_url.removeprefix("sqlite:///")
    if location == db_url or location == ":memory:":
        return shown(db_url)
    return f"the SQLite file {Path(location).resolve()}"


async def serving(config: Config) -> web.Application:
    """The blog as the server runs it: one that says, as it starts, what a newcomer needs."""
    app = await create_app(config=config)

    async def first_words(app: web.Application) -> None:
        # Appended after create_app's cleanup_ctx, so the database is open by now.
        log = logging.getLogger(__package__)
        log.info("database: %s", where(config.db_url))
        if not await User.findNumber("count(*)", "admin = ?", [True]):
            default = f"sqlite:///{config.instance_path / 'blog.db'}"
            db = "" if config.db_url == default else f" --db {shown(config.db_url)}"
            log.info(
                "no administrator yet: make one with `python -m %s create-admin "
                "--email you@example.com --name You%s` (it asks for a password, %d characters "
                "or more), then sign in at /signin to write articles",
                __package__,
                db,
                Password.min_length,
            )

    app.on_startup.append(first_words)
    return app


def run_server(config: Config, trace: bool = False) -> None:
    """Serve the blog until Ctrl+C; a database or an address it cannot use is a one-line error."""
    # INFO shows the access log, one line per request. The nine steps of each request, with
    # its SQL, are logged too with --trace only: a dozen lines a request is a lot to write
    # for a log nobody reads. Without it, every response still carries them in X-Trace.
    # The ORM's own line for each statement would only repeat the trace's step 6.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger(tracing.__name__).setLevel(logging.INFO if trace else logging.WARNING)
    logging.getLogger(orm.__name__).setLevel(logging.WARNING)
    try:
        # access_log=None: the access_log middleware replaces aiohttp's own access log.
        web.run_app(serving(config), host=config.host, port=config.port, access_log=None)
    except DatabaseError as exc:
        sys.exit(f"serve: {exc}")
    except OSError as exc:  # the address is taken, or not this machine's
        sys.exit(f"serve: cannot listen on {config.host}:{config.port}: {exc.strerror}")
    finally:
        # If a second Ctrl+C cut the shutdown short, the app never closed its pool: let it go,
        # or Python would wait forever at exit for the SQLite connection's thread.
        orm.abandon_pool()


async def init_db(config: Config, args) -> None:
    async with open_database(config):
        pass  # opening the database creates the missing tables
    tables = ", ".join(model.__table__ for model in MODELS)
    print(f"tables {tables} ready in {shown(config.db_url)}")


def read_password() -> str:
    """The new password: asked twice at a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        password = getpass.getpass("Password for the administrator: ")
        if getpass.getpass("The same password again: ") != password:
            raise CommandError("the two passwords differ")
        return password
    return sys.stdin.readline().removesuffix("\n").removesuffix("\r")


async def create_admin(config: Config, args) -> None:
    values = {"email": args.email, "name": args.name, "password": read_password()}
    async with open_database(config):
        user, created = await accounts.create_admin(values)
    if created:
        print(f"created the administrator {user.name} <{user.email}>")
    else:
        print(f"{user.name} <{user.email}> is now an administrator, with the new password")
    print("sign in on the blog's /signin page to write articles")


async def seed_posts(config: Config, args) -> None:
    if args.posts < 0:
        raise CommandError(f"--posts must be 0 or more, not {args.posts}")
    async with open_database(config):
        comments = await seed.seed(args.posts)
    where = shown(config.db_url)
    print(f"added {args.posts} articles and {comments} comments by the demo people to {where}")


def route_table(app: web.Application) -> list[tuple[str, str, str, str]]:
    """``(method, path, who may call it, handler)`` for each route of ``app``, by path.

    HEAD is left out: every GET route answers it too.
    """
    rows = []
    for route in app.router.routes():
        if route.method == "HEAD":
            continue
        if isinstance(route.resource, web.StaticResource):
            path, handler = f"{route.resource.canonical}/{{filename}}", "the files of static/"
        else:
            module = route.handler.__module__.rpartition(".")[2]
            path, handler = route.resource.canonical, f"{module}.{route.handler.__name__}"
        rows.append((route.method, path, access_of(route.handler), handler))
    return sorted(rows, key=lambda row: (row[1], row[0]))


async def routes(config: Config, args) -> None:
    table = route_table(await create_app(config=config))
    rows = [("METHOD", "PATH", "WHO MAY CALL IT", "HANDLER"), *table]
    method_width, path_width, access_width = (max(len(row[n]) for row in rows) for n in range(3))
    for method, path, access, handler in rows:
        print(
            f"{method:<{method_width}}  {path:<{path_width}}  {access:<{access_width}}  {handler}"
        )


# The commands that run on the event loop; serve starts its own.
COMMANDS = {"init-db": init_db, "create-admin": create_admin, "seed": seed_posts, "routes": routes}


# --- the command line --------------------------------------------------------------------


def add_settings(parser: argparse.ArgumentParser, default) -> None:
    # default=SUPPRESS on the subcommands: `--db URL seed` and `seed --db URL` both work.
    parser.add_argument("--db", metavar="URL", default=default, help="database URL")
    parser.add_argument("--config", metavar="FILE", default=default, help="TOML settings file")


def add_server_flags(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument("--host", default=default, help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=default, help="port to listen on (9000)")
    parser.add_argument(
        "--reload", action="store_true", default=default, help="restart when the code changes"
    )
    parser.add_argument(
        "--trace", action="store_true", default=default, help="log each request's nine steps"
    )


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog=f"python -m {__package__}",
        description="The blog: serve it, create its tables, make an administrator, add demo posts.",
    )
    add_settings(main, None)
    add_server_flags(main, None)
    commands = main.add_subparsers(dest="command", metavar="COMMAND")
    serving = commands.add_parser("serve", help="serve the blog (the default command)")
    add_settings(serving, argparse.SUPPRESS)
    add_server_flags(serving, argparse.SUPPRESS)
    add_settings(commands.add_parser("init-db", help="create the tables"), argparse.SUPPRESS)
    admin = commands.add_parser("create-admin", help="make (or promote) an administrator")
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", required=True, help="shown on their articles (1-50 characters)")
    add_settings(admin, argparse.SUPPRESS)
    seeding = commands.add_parser("seed", help="add demo authors, articles and comments")
    seeding.add_argument("--posts", type=int, default=10, help="how many articles (10)")
    add_settings(seeding, argparse.SUPPRESS)
    listing = commands.add_parser("routes", help="print each route, who may call it, its handler")
    add_settings(listing, argparse.SUPPRESS)
    commands.add_parser("schema", help="print the MySQL schema generated from models.py")
    check = commands.add_parser("doctor", help="check Python, the packages and the database")
    check.add_argument("--db", default=doctor.DEFAULT_DB, metavar="URL", help="database to try")
    check.add_argument("--requirements", type=Path, metavar="FILE", help="requirements file")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "schema":
        sys.stdout.write(schema())
        return 0
    if args.command == "doctor":
        return doctor.main(args.db, args.requirements)
    command = args.command or "serve"
    flags = {"db_url": args.db, "host": args.host, "port": args.port}
    try:
        config = load_config(flags, config_file=args.config)
        if command == "serve":
            serve(config, args)
        else:
            asyncio.run(COMMANDS[command](config, args))
    # ValueError: a setting or URL that cannot be used (ConfigError is one), as the message says.
    except (ValueError, CommandError, DatabaseError, APIError) as exc:
        sys.exit(f"{command}: {exc}")
    except KeyboardInterrupt:
        sys.exit(f"{command}: interrupted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
