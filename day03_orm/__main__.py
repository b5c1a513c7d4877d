"""Run day 3 from the repository root.

``python -m day03_orm [--db URL]`` walks through the ORM, printing each statement it runs (on
in-memory SQLite by default); ``serve`` and ``doctor`` are day 2's server and set-up check.
"""

import argparse
import asyncio
import logging
import sys
import uuid
from pathlib import Path

from aiohttp import web

from . import doctor, orm
from .app import create_app
from .middlewares import TOKEN


class Note(orm.Model):
    __table__ = "day03_notes"
    id = orm.StringField(primary_key=True, ddl="varchar(32)", default=lambda: uuid.uuid4().hex)
    title = orm.StringField(ddl="varchar(100)", index=True)
    pinned = orm.BooleanField()


async def demo(url: str) -> None:
    await orm.create_pool(url)  # then a statement listener prints each statement it runs
    orm.statement_listeners.append(lambda sql, args: print(f"   SQL> {sql}  {args}"))
    try:
        print("== create_tables(Note): the DDL the metaclass wrote from the class body")
        await orm.create_tables(Note)
        print("== save(): one INSERT each, after the defaults are filled in on the object")
        milk = Note(title="Buy milk")
        for note in (milk, Note(title="Call Ada 📞"), Note(title="100% done")):
            await note.save()
        print("== find(pk), findAll(where, args, orderBy, limit), findNumber(selectField)")
        print(await Note.find(milk.id), await Note.findNumber("count(*)"), "notes")
        print([n.title for n in await Note.findAll("title LIKE ?", ["%a%"], "title desc", 2)])
        print("== update() writes every column back; remove() deletes the row")
        milk.pinned = True
        await milk.update()
        await milk.remove()
        print("== transaction(): an error inside rolls back every query of the block")
        try:
            async with orm.transaction():
                await Note(title="never kept").save()
                raise RuntimeError("changed my mind")
        except RuntimeError:
            await orm.execute(f"DROP TABLE {Note.__table__}")  # clean up
    finally:
        await orm.close_pool()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m {__package__}", description="Walk through the ORM, or day 2's commands."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=9000, help="port to listen on")
    parser.add_argument("--db", default="sqlite:///:memory:", help="the walk-through's database")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("serve", help="serve day 2's notes app on --host and --port")
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
    if args.command is None:
        asyncio.run(demo(args.db))
        return 0
    # INFO shows the access log and the nine-step trace of every request.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    app = create_app()
    print(f"POST /notes needs the header 'Authorization: Bearer {app[TOKEN]}'", flush=True)
    # access_log=None: the access_log middleware replaces aiohttp's own access log.
    web.run_app(app, host=args.host, port=args.port, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
