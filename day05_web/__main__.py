"""Serve the day's site, or fill its database with demo articles first.

    python -m day05_web [--db URL] [--host HOST] [--port PORT]
    python -m day05_web seed [--db URL]

Notice that the server runs exactly the app the tests run: ``create_app`` builds both.
"""

import argparse
import asyncio
import logging
import sys

from aiohttp import web

from .app import create_app, database_url
from .models import Blog, Comment, User
from .orm import DatabaseError, close_pool, create_pool, create_tables

DEMO_EMAIL = "demo@example.com"
DEMO_BLOGS = [
    (
        "Hello, coroweb",
        "A handler is a plain function.",
        "It names its arguments; coroweb fills them.",
    ),
    ("Templates", "Jinja2 renders the pages.", "A dict with __template__ becomes a page."),
    ("The nine steps", "Every request walks the same road.", "Read the log: each step is there."),
]


async def seed(db_url: str) -> None:
    """Add a demo author (once) and three demo articles."""
    await create_pool(db_url)
    try:
        await create_tables(User, Blog, Comment)
        found = await User.findAll("email = ?", [DEMO_EMAIL])
        author = found[0] if found else User(email=DEMO_EMAIL, passwd="", name="Demo", image="")
        if not found:
            await author.save()
        by_author = dict(user_id=author.id, user_name=author.name, user_image=author.image)
        for name, summary, content in DEMO_BLOGS:
            await Blog(name=name, summary=summary, content=content, **by_author).save()
            print(f"added {name!r}")
    finally:
        await close_pool()


def main() -> None:
    parser = argparse.ArgumentParser(
        prog=f"python -m {__package__}", description=__doc__.splitlines()[0]
    )
    parser.add_argument("command", nargs="?", choices=["serve", "seed"], default="serve")
    parser.add_argument("--db", help="database URL (default: an SQLite file in instance/)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    options = parser.parse_args()
    try:
        if options.command == "seed":
            asyncio.run(seed(database_url(options.db)))
        else:
            # INFO shows the access log and the nine-step trace of every request.
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
            app = create_app(options.db)
            # access_log=None: the access_log middleware replaces aiohttp's own access log.
            web.run_app(app, host=options.host, port=options.port, access_log=None)
    except DatabaseError as exc:
        sys.exit(f"database error: {exc}")


if __name__ == "__main__":
    main()
