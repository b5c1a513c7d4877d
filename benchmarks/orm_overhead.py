"""What the ORM costs over the bare driver: Model.find(pk) and Model.findAll(limit=100).

Run from the repository root: ``python -m benchmarks.orm_overhead [--rounds 7]``. Each query
runs through day03_orm and through the driver alone (aiosqlite, or aiomysql's own pool, rows
left as tuples) on the same table of 1000 blog-like posts (seven columns, 2 KB of content
each) in the same run; the figures are medians of the rounds, in microseconds per call.
MySQL/MariaDB is measured when a server answers at $WORKBOOK_MYSQL_URL (default
mysql://root:@127.0.0.1:3306/), in a scratch database dropped afterwards.
"""

import argparse
import asyncio
import itertools
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import aiomysql

from day03_orm import orm

from .databases import MYSQL_SERVER, mysql_database, mysql_login, mysql_problem

ROWS = 1000
TARGETS = {"find": 1.25, "findAll": 1.5}  # the ORM's time over the bare driver's, at most
COLUMNS = "id, user_id, user_name, name, summary, content, created_at"


class Post(orm.Model):
    __table__ = "posts"
    id = orm.StringField(primary_key=True, ddl="varchar(50)")
    user_id = orm.StringField(ddl="varchar(50)")
    user_name = orm.StringField(ddl="varchar(50)")
    name = orm.StringField(ddl="varchar(50)")
    summary = orm.StringField(ddl="varchar(200)")
    content = orm.TextField()
    created_at = orm.FloatField(index=True)


async def fill() -> list[str]:
    await orm.create_tables(Post)
    ids = [f"{n:050d}" for n in range(ROWS)]
    async with orm.transaction():
        for n, pk in enumerate(ids):
            post = Post(id=pk, user_id="u" * 50, user_name="Ada", name=f"Post {n}")
            post.summary, post.content = "A summary of the post. " * 5, "Some text. " * 200
            post.created_at = time.time()
            await post.save()
    return ids


async def timed(call) -> float:
    start = time.perf_counter()
    await call()
    return time.perf_counter() - start


async def compare(bare_find, bare_find_all, ids, rounds: int) -> dict[str, tuple[float, float]]:
    """{query: (bare µs, ORM µs)}: the median over rounds of each round's median call.

    Bare and ORM calls alternate one by one, so a busy moment on the machine slows both.
    """
    pks = itertools.cycle(ids)
    cases = {
        "find": (lambda: bare_find(next(pks)), lambda: Post.find(next(pks)), 400),
        "findAll": (bare_find_all, lambda: Post.findAll(limit=100), 100),
    }
    results = {}
    for query, (bare, through_orm, calls) in cases.items():
        medians = []
        for _ in range(rounds + 1):  # the first round warms caches up and is not counted
            pairs = [(await timed(bare), await timed(through_orm)) for _ in range(calls)]
            medians.append([statistics.median(times) * 1e6 for times in zip(*pairs, strict=True)])
        results[query] = tuple(statistics.median(times) for times in zip(*medians[1:], strict=True))
    return results


async def sqlite(rounds: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        await orm.create_pool(f"sqlite:///{path}")
        try:
            ids = await fill()
            # The driver's own calls on the ORM's own connection: the same file, the same
            # worker thread, the same settings, so the difference is the ORM's work alone.
            # Two connections will not do: each has an aiosqlite thread of its own, and two
            # identical bare connections used turn about measured 66 and 33 µs a find here.
            conn = orm._current()._conn

            async def bare_find(pk):
                sql = f"SELECT {COLUMNS} FROM posts WHERE id = ?"
                return await conn.execute_fetchall(sql, (pk,))

            async def bare_find_all():
                sql = f"SELECT {COLUMNS} FROM posts LIMIT ? OFFSET ?"
                return await conn.execute_fetchall(sql, (100, 0))

            return await compare(bare_find, bare_find_all, ids, rounds)
        finally:
            await orm.close_pool()


async def mysql(rounds: int) -> dict | str:
    problem = mysql_problem(MYSQL_SERVER)
    if problem:
        return f"skipped: {problem}"
    with mysql_database(MYSQL_SERVER) as url:
        await orm.create_pool(url)
        try:
            ids = await fill()
            login = {**mysql_login(url), "db": urlsplit(url).path.lstrip("/")}
            pool = await aiomysql.create_pool(**login, charset="utf8mb4", autocommit=True)
            try:

                async def bare(sql, args):
                    async with pool.acquire() as conn, conn.cursor() as cursor:
                        await cursor.execute(sql, args)
                        return await cursor.fetchall()

                async def bare_find(pk):
                    return await bare(f"SELECT {COLUMNS} FROM posts WHERE id = %s", (pk,))

                async def bare_find_all():
                    return await bare(f"SELECT {COLUMNS} FROM posts LIMIT %s OFFSET %s", (100, 0))

                return await compare(bare_find, bare_find_all, ids, rounds)
            finally:
                pool.close()
                await pool.wait_closed()
        finally:
            await orm.close_pool()


async def main(rounds: int) -> None:
    print(f"ORM overhead: median of {rounds} rounds, microseconds per call, {ROWS} rows")
    print(f"{'backend':<8} {'query':<20} {'bare':>9} {'orm':>9} {'ratio':>7} {'target':>7}")
    for backend, measure in (("sqlite", sqlite), ("mysql", mysql)):
        results = await measure(rounds)
        if isinstance(results, str):
            print(f"{backend:<8} {results}")
            continue
        for query, (bare, through_orm) in results.items():
            ratio, target = through_orm / bare, TARGETS[query]
            label = "find(pk)" if query == "find" else "findAll(limit=100)"
            verdict = "ok" if ratio <= target else "MISSED"
            print(
                f"{backend:<8} {label:<20} {bare:>9.1f} {through_orm:>9.1f} {ratio:>6.2f}x"
                f" {target:>6.2f}x {verdict}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="rounds per measurement")
    asyncio.run(main(parser.parse_args().rounds))
