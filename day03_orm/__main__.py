"""Run day 3 from the repository root.

``python -m day03_orm [--db URL]`` walks through the ORM on a small Note model and prints
every SQL statement it runs, on an in-memory SQLite database unless ``--db`` names another.
``python -m day03_orm serve`` and ``python -m day03_orm doctor`` are day 2's, unchanged.
"""

import argparse
import asyncio
import logging
import sys
import time
import uuid
from pathlib import Path

from aiohttp import web

from . import doctor
from .app import create_app
from .middlewares import TOKEN
from .orm import (
    BooleanField,
    FloatField,
    Model,
    RowNotFoundError,
    StringField,
    TextField,
    close_pool,
    create_pool,
    create_tables,
    execute,
    statement_listeners,
    transaction,
)


class Note(Model):
    __table__ = "day03_notes"
    id = StringField(primary_key=True, ddl="varchar(32)", default=lambda: uuid.uuid4().hex)
    title = StringField(ddl="varchar(100)")
    body = TextField(default="")
    pinned = BooleanField()
    created_at = FloatField(default=time.time, index=True)


def step(text: str) -> None:
    print(f"\n== {text}")


def show(sql: str, args: tuple) -> None:
    """A statement listener: print each statement the ORM runs, with its values apart."""
    print(f"   SQL> {sql}  {args}")


async def demo(url: str) -> None:
    await create_pool(url)
    statement_listeners.append(show)
    try:
        step("create_tables(Note): the metaclass wrote the DDL from the class body")
        await create_tables(Note)

        step("save(): one INSERT each; the defaults are filled in on the object first")
        milk = Note(title="Buy milk")
        await milk.save()
        print(f"   milk.id = {milk.id!r}, milk.created_at = {milk.created_at:.3f}")
        for title in ("Call Ada 📞", "100% done", "Read chapter 3"):
            await Note(title=title).save()

        step("find(pk): the SELECT the metaclass wrote, with a WHERE on the primary key")
        print(f"   {await Note.find(milk.id)}")

        step("findAll(where, args, orderBy, limit): ? placeholders, checked column names")
        notes = await Note.findAll("title LIKE ?", ["%a%"], orderBy="title desc", limit=(0, 2))
        print(f"   {[note.title for note in notes]}")

        step("findNumber('count(*)')")
        print(f"   {await Note.findNumber('count(*)')} notes")

        step("update(): every column is written back; pinned comes back as a bool")
        milk.pinned = True
        await milk.update()
        print(f"   pinned = {(await Note.find(milk.id)).pinned!r}")

        step("remove(), then remove() again: the row is gone, and the ORM says so")
        await milk.remove()
        try:
            await milk.remove()
        except RowNotFoundError as exc:
            print(f"   RowNotFoundError: {exc}")

        step("transaction(): an error inside rolls back every query of the block")
        try:
            async with transaction():
                await Note(title="never kept").save()
                raise RuntimeError("changed my mind")
        except RuntimeError:
            print(f"   still {await Note.findNumber('count(*)')} notes")

        step("clean up")
        await execute(f"DROP TABLE {Note.__table__}")
    finally:
        statement_listeners.remove(show)
        await close_pool()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m {__package__}",
        description="Walk through the ORM, printing its SQL; or day 2's server and doctor.",
    )
    parser.add_argument(
        "--db", default="sqlite:///:memory:", metavar="URL", help="database for the walk-through"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
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
    asyncio.run(demo(args.db))
    return 0


if __name__ == "__main__":
    sys.exit(main())
