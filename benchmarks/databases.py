"""The databases a run measures on: an SQLite file in a temporary folder, a MariaDB database
the run creates and drops, both seeded by the blog's own ``seed`` command.

``query`` reads them with the plain drivers (sqlite3, pymysql), so that what the benchmarks
count in the database does not depend on the code under test.
"""

import contextlib
import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pymysql

from .servers import REPO

# The MariaDB server to measure on; each run makes its own databases there and drops them.
MYSQL_SERVER = os.environ.get("WORKBOOK_MYSQL_URL", "mysql://root:@127.0.0.1:3306/")


def mysql_login(url: str) -> dict:
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 3306,
        "user": unquote(parts.username or "root"),
        "password": unquote(parts.password or ""),
    }


def mysql_url(login: dict, database: str) -> str:
    return f"mysql://{login['user']}:{login['password']}@{login['host']}:{login['port']}/{database}"


def mysql_problem(server_url: str) -> str | None:
    """Why no MySQL/MariaDB server can be used at ``server_url``, or None if one answers."""
    try:
        pymysql.connect(**mysql_login(server_url), connect_timeout=3).close()
    except pymysql.MySQLError as exc:
        return f"no MySQL/MariaDB server answers at {server_url} ({exc.args[-1]})"
    return None


@contextlib.contextmanager
def mysql_database(server_url: str):
    """A new, empty utf8mb4 database on the server: its URL; dropped afterwards."""
    login = mysql_login(server_url)
    name = f"workbook_bench_{secrets.token_hex(4)}"
    admin = pymysql.connect(**login, autocommit=True, connect_timeout=5)
    try:
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        yield mysql_url(login, name)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'blog.db'}"


def query(url: str, sql: str, args: tuple = ()) -> list[tuple]:
    """The rows of one query (``?`` placeholders) on the database at ``url``, by its driver."""
    if url.startswith("sqlite:///"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as connection:
            return connection.execute(sql, args).fetchall()
    connection = pymysql.connect(
        **mysql_login(url), database=urlsplit(url).path.lstrip("/"), charset="utf8mb4"
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), args)
            return list(cursor.fetchall())
    finally:
        connection.close()


def seed(url: str, posts: int, env: dict[str, str]) -> None:
    """``python -m day06_final seed --posts N``: the blog's tables and its demo content."""
    argv = [sys.executable, "-m", "day06_final", "seed", "--posts", str(posts), "--db", url]
    done = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"seeding {url} failed:\n{done.stderr.strip()[-2000:]}")


def article_ids(url: str) -> list[str]:
    """Every article's id, the most commented (then the newest) first."""
    rows = query(
        url,
        "SELECT b.id FROM blogs b LEFT JOIN comments c ON c.blog_id = b.id"
        " GROUP BY b.id, b.created_at ORDER BY count(c.id) DESC, b.created_at DESC",
    )
    return [row[0] for row in rows]
