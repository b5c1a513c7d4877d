"""The baseline: the blog's home page written with nothing but aiohttp, the driver and Jinja2.

``python -m benchmarks.bare --db URL [--port P]`` serves ``GET /``: the number of articles and
one page of them (newest first), the same two queries as the blog's home page, rendered by a
template that makes the same HTML. No ORM, no framework, no middlewares: what is left is the
cost of the work itself, which is what the blog's pages are measured against.
"""

import argparse
import logging
import math
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import aiomysql
import aiosqlite
import jinja2
from aiohttp import web

PAGE_SIZE = 10
COLUMNS = ("id", "user_name", "name", "summary", "created_at")
COUNT = "SELECT count(*) FROM blogs"
# The columns the page shows, newest first: what anyone writing this page by hand would ask.
PAGE = f"SELECT {', '.join(COLUMNS)} FROM blogs ORDER BY created_at DESC LIMIT {{p}} OFFSET {{p}}"
DB = web.AppKey("db", object)
TEMPLATE = web.AppKey("template", jinja2.Template)


def ago(t: float) -> str:
    seconds = time.time() - t
    if seconds < 60:
        return "just now"
    for unit, size, limit in (("minute", 60, 3600), ("hour", 3600, 86400), ("day", 86400, 604800)):
        if seconds < limit:
            n = int(seconds // size)
            return f"{n} {unit} ago" if n == 1 else f"{n} {unit}s ago"
    return datetime.fromtimestamp(t).date().isoformat()


class SQLite:
    """One aiosqlite connection for the process."""

    def __init__(self, url: str):
        self.path = url.removeprefix("sqlite:///")

    async def open(self):
        self.conn = await aiosqlite.connect(self.path)

    async def close(self):
        await self.conn.close()

    async def home(self, offset: int, limit: int):
        (count,), *_ = await self.conn.execute_fetchall(COUNT)
        rows = await self.conn.execute_fetchall(PAGE.format(p="?"), (limit, offset))
        return count, rows


class MySQL:
    """An aiomysql pool; a request takes one connection for both of its queries."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.login = {
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or 3306,
            "user": unquote(parts.username or "root"),
            "password": unquote(parts.password or ""),
            "db": parts.path.lstrip("/"),
        }

    async def open(self):
        self.pool = await aiomysql.create_pool(
            maxsize=10, charset="utf8mb4", autocommit=True, **self.login
        )

    async def close(self):
        self.pool.close()
        await self.pool.wait_closed()

    async def home(self, offset: int, limit: int):
        async with self.pool.acquire() as conn, conn.cursor() as cursor:
            await cursor.execute(COUNT)
            (count,) = await cursor.fetchone()
            await cursor.execute(PAGE.format(p="%s"), (limit, offset))
            return count, await cursor.fetchall()


async def index(request: web.Request) -> web.Response:
    try:
        page = int(request.query.get("page", "1"))
    except ValueError:
        raise web.HTTPBadRequest(text="page: expected a whole number") from None
    db = request.app[DB]
    count, rows = await db.home((page - 1) * PAGE_SIZE, PAGE_SIZE)
    page_count = max(1, math.ceil(count / PAGE_SIZE))
    if not 1 <= page <= page_count:
        raise web.HTTPNotFound()
    blogs = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
    html = request.app[TEMPLATE].render(blogs=blogs, page=page, page_count=page_count)
    return web.Response(text=html, content_type="text/html")


def create_app(db_url: str) -> web.Application:
    app = web.Application()
    db = MySQL(db_url) if db_url.startswith("mysql://") else SQLite(db_url)
    app[DB] = db

    async def database(app):
        await db.open()
        yield
        await db.close()

    app.cleanup_ctx.append(database)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True
    )
    env.filters["datetime"] = ago
    app[TEMPLATE] = env.get_template("bare_home.html")
    app.router.add_get("/", index)
    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, metavar="URL")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    args = parser.parse_args()
    # As the blog and day 1 do: INFO, so aiohttp's access log writes a line per request.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    web.run_app(create_app(args.db), host=args.host, port=args.port)
