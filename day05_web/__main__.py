"""Run day 5 from the repository root.

``python -m day05_web [--db URL] [--host H] [--port P]`` serves the site; ``seed [--db URL]``
adds demo articles and comments; ``schema`` and ``doctor`` are day 4's. Notice that the server
runs exactly the app the tests run: ``create_app`` builds both.
"""

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from aiohttp import web

from . import doctor
from .app import MODELS, create_app, database_url
from .models import Blog, Comment, User
from .orm import DatabaseError, MySQLBackend, close_pool, create_pool, create_tables

SCHEMA_HEADER = f"""\
-- The blog's tables for MySQL/MariaDB, generated from models.py: do not edit by hand.
-- Regenerate it: python -m {__package__} schema > {__package__}/schema.sql
-- Load it into a database made with CREATE DATABASE blog CHARACTER SET utf8mb4:
--   mysql -u root -p blog < {__package__}/schema.sql
"""
DEMO_EMAIL = "demo@example.com"
DEMO_BLOGS = [
    ("Hello, coroweb", "A handler is a plain function.", "It names what it needs."),
    ("Templates", "Jinja2 renders the pages.", "A dict with __template__ becomes a page."),
    ("The nine steps", "Every request walks the same road.", "Read the log: each step is there."),
]
DEMO_READER = dict(user_id="demo-reader", user_name="A reader", user_image="")
DEMO_COMMENTS = ["Plain functions: so they are easy to test.", "Is that step 4 in the log?"]


def schema() -> str:
    """The MySQL DDL of every model, as schema.sql holds it."""
    statements = [statement for model in MODELS for statement in MySQLBackend.create_table(model)]
    return SCHEMA_HEADER + "".join(f"\n{statement};\n" for statement in statements)


async def seed(db_url: str) -> None:
    """Add a demo author (once), three demo articles, and a reader's comments on each."""
    await create_pool(db_url)
    try:
        await create_tables(*MODELS)
        found = await User.findAll("email = ?", [DEMO_EMAIL])
        author = found[0] if found else User(email=DEMO_EMAIL, passwd="", name="Demo", image="")
        if not found:
            await author.save()
        by_author = dict(user_id=author.id, user_name=author.name, user_image=author.image)
        for name, summary, content in DEMO_BLOGS:
            blog = Blog(by_author, name=name, summary=summary, content=content)
            await blog.save()
            for text in DEMO_COMMENTS:
                await Comment(DEMO_READER, blog_id=blog.id, content=text).save()
            print(f"added {name!r} (id {blog.id}) and {len(DEMO_COMMENTS)} comments")
    finally:
        await close_pool()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m {__package__}",
        description="Serve the blog's first pages, add demo articles, print the schema.",
    )
    parser.add_argument("--db", metavar="URL", help="database (default: instance/blog.db)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=9000, help="port to listen on")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    seeding = commands.add_parser("seed", help="add a demo author, articles and comments")
    # SUPPRESS: `--db URL seed` and `seed --db URL` both work.
    seeding.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="database")
    commands.add_parser("schema", help="print the MySQL schema generated from models.py")
    check = commands.add_parser("doctor", help="check Python, the packages and the database")
    check.add_argument(
        "--db",
        default=doctor.DEFAULT_DB,
        metavar="URL",
        help=f"database to try (default: {doctor.DEFAULT_DB})",
    )
    check.add_argument(
        "--requirements",
        type=Path,
        metavar="FILE",
        help="requirements file to check (default: the workbook's)",
    )
    args = parser.parse_args(argv)

    if args.command == "schema":
        sys.stdout.write(schema())
        return 0
    if args.command == "doctor":
        return doctor.main(args.db, args.requirements)
    try:
        if args.command == "seed":
            asyncio.run(seed(database_url(args.db)))
            return 0
        # INFO shows the access log and the nine-step trace of every request.
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
        # access_log=None: the access_log middleware replaces aiohttp's own access log.
        web.run_app(create_app(args.db), host=args.host, port=args.port, access_log=None)
    except DatabaseError as exc:
        sys.exit(f"database error: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
