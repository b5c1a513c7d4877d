"""The ORM's production layer (day06_final/orm.py only): what keeps the blog up when the
database fails or is slow, and what makes its pages cheaper to read.

Day 3's lesson checks run on this copy too (test_carried_forward.py); these check what day 6
adds: a deadline on every query, recovery after the server goes away or kills its connections,
queries waiting for a connection failing at once, ``abandon_pool()`` letting a process exit,
``connection()`` blocks, ``findAll(columns=...)``, and SUM/AVG read as int and float. Every
wait has its own short deadline, so a wrong ORM fails within seconds.
"""

import asyncio
import contextlib
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.day03_orm import test_orm
from tests.network import Relay, free_port
from tests.workbook import REPO

pytestmark = pytest.mark.production

# The ORM checks' fixtures (the orm module, an open pool, a model of every field type).
orm, db, Item, add = test_orm.orm, test_orm.db, test_orm.Item, test_orm.add
# Day 6's own copy of the metaclass and the fields: the blog's seven models rest on the one-key
# rule and on each field type's default (an account's `admin` left out is False).
test_a_model_without_exactly_one_primary_key_is_a_type_error_when_defined = (
    test_orm.test_a_model_without_exactly_one_primary_key_is_a_type_error_when_defined
)
test_each_field_type_has_its_own_default = test_orm.test_each_field_type_has_its_own_default


# --- reading less: findAll(columns=...) -----------------------------------------------------


async def test_find_all_with_columns_reads_only_those_under_their_attribute_names(Item):
    (saved,) = await add(Item, "a")
    saved.done, saved.body = True, "a long text the list does not need"
    await saved.update()
    (found,) = await Item.findAll(columns=["id", "done", "content"], orderBy="name")
    # "content" is the column of the attribute body; done still comes back as a bool.
    assert found == {"id": saved.id, "done": True, "body": saved.body}
    assert type(found.done) is bool
    (partial,) = await Item.findAll("name = ?", ["a"], limit=1, columns=("name",))
    assert partial == {"name": "a"}


@pytest.mark.parametrize(
    "columns",
    [["name; DROP TABLE items"], ["password"], ["name", "count(*)"], "name", []],
)
async def test_columns_refuses_anything_but_the_models_column_names(Item, columns):
    await add(Item, "a", "b")
    with pytest.raises(ValueError):
        await Item.findAll(columns=columns)
    assert await Item.findNumber("count(*)") == 2


async def test_sum_and_avg_come_back_as_int_and_float_on_both_databases(Item):
    for name, count in (("a", 1), ("b", 2), ("c", 4)):
        await Item(name=name, count=count).save()
    total = await Item.findNumber("sum(count)")
    assert total == 7 and type(total) is int
    average = await Item.findNumber("avg(count)")
    # MySQL averages integers to four decimal places; SQLite to a float's precision.
    assert average == pytest.approx(7 / 3, rel=1e-3) and type(average) is float


# --- connection() blocks ----------------------------------------------------------------------


async def test_a_transaction_inside_a_connection_block_commits_or_rolls_back(Item, db):
    async with asyncio.timeout(5), db.connection():
        async with db.transaction():
            await add(Item, "committed")
        with pytest.raises(RuntimeError, match="give up"):
            async with db.transaction():
                await add(Item, "rolled back")
                raise RuntimeError("give up")
        assert [item.name for item in await Item.findAll()] == ["committed"]


async def test_a_connection_block_inside_a_transaction_is_part_of_it(Item, db):
    with pytest.raises(RuntimeError, match="give up"):
        async with asyncio.timeout(5), db.transaction():
            async with db.connection():
                await add(Item, "inside")
            raise RuntimeError("give up")
    assert await Item.findAll() == []


@pytest.mark.mysql
@pytest.mark.parametrize("db_url", ["mysql"], indirect=True)
async def test_the_queries_of_a_connection_block_all_run_on_one_connection(db):
    async def two_queries_in_a_block():
        async with db.connection():
            first = await db.select("SELECT CONNECTION_ID() AS id")
            await asyncio.sleep(0.01)  # meanwhile the other blocks borrow connections too
            second = await db.select("SELECT CONNECTION_ID() AS id")
        return first[0]["id"], second[0]["id"]

    async with asyncio.timeout(10):
        pairs = await asyncio.gather(*(two_queries_in_a_block() for _ in range(8)))
    assert all(first == second for first, second in pairs)
    # Blocks running at the same time each kept a connection of their own.
    assert len({first for first, _ in pairs}) > 1


# --- a server that fails ------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def pool_through_a_relay(orm, db_url: str, *, deadline: float):
    """The ORM's pool open on ``db_url`` through a Relay the test stalls or cuts: the relay."""
    url = urlsplit(db_url)
    async with Relay(url.hostname, url.port) as relay:
        await orm.create_pool(relay.url_for(db_url), timeout=deadline)
        try:
            yield relay
        finally:
            await orm.close_pool()


async def test_a_server_that_never_answers_raises_database_unavailable_within_the_timeout(orm):
    async with Relay("127.0.0.1", free_port()) as silent, asyncio.timeout(10):
        silent.stall()  # it accepts connections and never says a word
        with pytest.raises(orm.DatabaseUnavailableError):
            await orm.create_pool(f"mysql://root:@127.0.0.1:{silent.port}/blog", timeout=0.5)


@pytest.mark.mysql
@pytest.mark.parametrize("db_url", ["mysql"], indirect=True)
async def test_a_server_cut_off_mid_session_is_unavailable_then_recovers_by_itself(orm, db_url):
    async with pool_through_a_relay(orm, db_url, deadline=0.5) as relay:
        assert await orm.select("SELECT 1 AS one") == [{"one": 1}]
        relay.stall()
        async with asyncio.timeout(10):
            with pytest.raises(orm.DatabaseUnavailableError):
                await orm.select("SELECT 2 AS two")
        relay.resume()
        await relay.hang_up()  # the server "restarts": every old connection is gone
        await asyncio.sleep(0.1)
        assert await orm.select("SELECT 3 AS three") == [{"three": 3}]


@pytest.mark.mysql
@pytest.mark.parametrize("db_url", ["mysql"], indirect=True)
async def test_queries_waiting_for_a_connection_fail_at_once_when_the_server_goes_away(orm, db_url):
    # A deadline far longer than the test may take: waiting it out would be a hang.
    async with pool_through_a_relay(orm, db_url, deadline=60) as relay:
        # More slow queries than the pool has connections: some wait for one.
        queries = [asyncio.create_task(orm.select("SELECT SLEEP(60)")) for _ in range(15)]
        await asyncio.sleep(0.5)
        await relay.cut()
        async with asyncio.timeout(10):
            results = await asyncio.gather(*queries, return_exceptions=True)
        assert all(isinstance(r, orm.DatabaseUnavailableError) for r in results), results


@pytest.mark.mysql
@pytest.mark.parametrize("db_url", ["mysql"], indirect=True)
async def test_the_pool_recovers_after_the_server_kills_its_connections(orm, db_url, mysql_server):
    await orm.create_pool(db_url)
    try:
        async with asyncio.timeout(10):
            await asyncio.gather(*(orm.select("SELECT SLEEP(0.05)") for _ in range(3)))
        database = urlsplit(db_url).path.lstrip("/")
        ids = mysql_server.execute(
            f"SELECT id FROM information_schema.processlist WHERE db = '{database}'"
        )
        assert ids
        for (connection_id,) in ids:
            mysql_server.execute(f"KILL CONNECTION {connection_id}")
        await asyncio.sleep(0.1)  # the server's goodbyes arrive
        assert await orm.select("SELECT 1 AS one") == [{"one": 1}]
    finally:
        await orm.close_pool()


# A process that opened a pool and never closed it (its shutdown cut short), then ends.
EXIT_WITHOUT_CLOSE = """
import asyncio, sys
from tests.workbook import Workbook
workbook = Workbook(sys.argv[1])
workbook.install()
orm = workbook.load(sys.argv[2], "orm")
asyncio.run(orm.create_pool(sys.argv[3]))
orm.abandon_pool()
orm.abandon_pool()  # twice, or after close_pool(): nothing more to do
print("done", flush=True)
"""


@pytest.mark.parametrize("db_url", ["sqlite", "mysql"], indirect=True)
def test_abandon_pool_lets_a_process_exit_that_never_closed_its_pool(workbook, day, db_url):
    command = [sys.executable, "-c", EXIT_WITHOUT_CLOSE, str(workbook.root), day, db_url]
    # Without abandon_pool(), Python would wait at exit for the SQLite connection's thread.
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stdout) == (0, "done\n"), done.stderr
