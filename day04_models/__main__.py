"""Run day 4 from the repository root.

``python -m day04_models [--db URL]`` creates the blog's tables and walks through creating,
querying, updating and removing a user, a blog and a comment, printing each SQL statement
(on an SQLite file in a temporary folder unless ``--db`` names another database).
``python -m day04_models schema`` prints the MySQL schema that ``schema.sql`` holds.
``serve`` and ``doctor`` are day 2's, unchanged.
"""

import argparse
import asyncio
import logging
import sys
import tempfile
from pathlib import Path

from aiohttp import web

from . import doctor
from .app import create_app
from .middlewares import TOKEN
from .models import Blog, Comment, User
from .orm import IntegrityError, MySQLBackend, close_pool, create_pool, create_tables

MODELS = (User, Blog, Comment)
SCHEMA_HEADER = f"""\
-- The blog's tables for MySQL/MariaDB, generated from models.py: do not edit by hand.
-- Regenerate it: python -m {__package__} schema > {__package__}/schema.sql
-- Load it into a database made with CREATE DATABASE blog CHARACTER SET utf8mb4:
--   mysql -u root -p blog < {__package__}/schema.sql
"""


def schema() -> str:
    """The MySQL DDL of every model, as schema.sql holds it."""
    statements = [statement for model in MODELS for statement in MySQLBackend.create_table(model)]
    return SCHEMA_HEADER + "".join(f"\n{statement};\n" for statement in statements)


def step(text: str) -> None:
    print(f"\n== {text}")


async def walk_through(url: str) -> None:
    await create_pool(url)
    try:
        step("create_tables(User, Blog, Comment): three tables and their indexes")
        await create_tables(*MODELS)

        step("Ada signs up: save() fills in her id, admin=False and created_at")
        # A real password never gets here: day 6 stores a salted hash in passwd.
        ada = User(email="ada@example.com", passwd="(a salted hash)", name="Ada", image="")
        await ada.save()
        print(f"   ada.id = {ada.id!r} (50 characters, in time order)")

        step("she writes a blog, and Bob comments on it")
        author = dict(user_id=ada.id, user_name=ada.name, user_image=ada.image)
        blog = Blog(author, name="Hello 🌍", summary="My first post", content="# Hello\n\nHi.")
        await blog.save()
        bob = dict(user_id="bob", user_name="Bob", user_image="")
        comment = Comment(bob, blog_id=blog.id, content="Welcome!")
        await comment.save()

        step("queries: the user by email, the newest blogs, the blog's comments")
        (found,) = await User.findAll("email = ?", [ada.email])
        print(f"   {found.name}, admin={found.admin!r}")
        newest = await Blog.findAll(orderBy="created_at desc", limit=10)
        print(f"   newest blogs: {[b.name for b in newest]}")
        count = await Comment.findNumber("count(*)", "blog_id = ?", [blog.id])
        print(f"   {count} comment(s) on {blog.name!r}")

        step("a second account with the same email is refused")
        try:
            await User(email="ada@example.com", passwd="x", name="Copy", image="").save()
        except IntegrityError as exc:
            print(f"   IntegrityError: {exc}")

        step("update(): Ada edits her summary")
        blog.summary = "My first post, edited"
        await blog.update()
        print(f"   {(await Blog.find(blog.id)).summary!r}")

        step("remove(): the comment, the blog, then the user")
        for item in (comment, blog, ada):
            await item.remove()
        print(f"   {await User.findNumber('count(*)')} users left")
    finally:
        await close_pool()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m {__package__}",
        description="Walk through the blog's models, print the schema, or run day 2's server.",
    )
    parser.add_argument(
        "--db", metavar="URL", help="database for the walk-through (default: a temporary SQLite)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("schema", help="print the MySQL schema generated from models.py")
    serve = commands.add_parser("serve", help="serve day 2's notes app")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=9000, help="port to listen on")
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
    if args.command == "serve":
        # INFO shows the access log and the nine-step trace of every request.
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
        app = create_app()
        print(f"POST /notes needs the header 'Authorization: Bearer {app[TOKEN]}'", flush=True)
        # access_log=None: the access_log middleware replaces aiohttp's own access log.
        web.run_app(app, host=args.host, port=args.port, access_log=None)
        return 0
    # The ORM logs each statement at DEBUG: show those lines, indented under each step.
    logging.basicConfig(format="   SQL> %(message)s", stream=sys.stdout)
    logging.getLogger(f"{__package__}.orm").setLevel(logging.DEBUG)
    if args.db:
        asyncio.run(walk_through(args.db))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(walk_through(f"sqlite:///{Path(folder) / 'blog.db'}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
