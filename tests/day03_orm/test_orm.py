"""What a careful user of the ORM relies on, checked on SQLite and on MySQL/MariaDB.

Written against the `orm` module of the day under test, so later days re-run these checks on
their own copy of orm.py (``from tests.day03_orm.test_orm import *``). Each check is a
requirement stated in day03_orm/README.md. The production layer's checks (deadlines, a server
that fails, ``connection()``, ``columns=``) are day 6's: tests/day06_final/test_orm_production.py.
"""

import asyncio
import doctest
import gc
import time
import uuid

import pytest

from tests.network import free_port


@pytest.fixture
def orm(workbook, day):
    """The orm module of the day under test."""
    return workbook.load(day, "orm")


@pytest.fixture
async def db(orm, db_url):
    """An open pool on an empty database (SQLite, then MySQL), closed after the test."""
    await orm.create_pool(db_url)
    yield orm
    try:  # a connection never given back (say, after an error) makes closing wait for ever
        async with asyncio.timeout(5):
            await orm.close_pool()
    except TimeoutError:
        gc.collect()  # the connections left open warn here, in this check, not in a later one
        pytest.fail("close_pool() did not end within 5 s: is a connection kept after an error?")


@pytest.fixture
async def Item(db):
    """A model with a column of every field type, and its freshly created table."""
    orm = db

    class Item(orm.Model):
        __table__ = "items"
        id = orm.StringField(primary_key=True, ddl="varchar(50)", default=lambda: uuid.uuid4().hex)
        name = orm.StringField(ddl="varchar(100)", unique=True)
        done = orm.BooleanField()
        count = orm.IntegerField()
        score = orm.FloatField()
        # The column is "content"; the attribute is "body".
        body = orm.TextField(name="content", default="")
        created_at = orm.FloatField(default=time.time)

    await orm.create_tables(Item)
    return Item


async def add(Item, *names: str) -> list:
    """Save one item per name, with counts 1, 2, 3..."""
    items = [Item(name=name, count=n) for n, name in enumerate(names, start=1)]
    for item in items:
        await item.save()
    return items


def test_the_example_that_opens_orm_py_runs_as_it_says(orm):
    # orm.py's docstring opens with an example session: its specification and first lesson.
    try:
        failed, attempted = doctest.testmod(orm, optionflags=doctest.ELLIPSIS)
    finally:
        asyncio.run(orm.close_pool())  # if the example stopped half-way, its pool is still open
    assert attempted > 0, "orm.py's docstring holds no example (>>> lines)"
    assert failed == 0


# --- values in and out ----------------------------------------------------------------------


async def test_every_field_type_comes_back_as_its_python_type(Item):
    article = "Ünïcödé, 中文 and emoji 🙂🚀 " * 1000
    saved = Item(name="Zoë 🙂", done=True, count=2**40, score=3.25, body=article)
    await saved.save()
    found = await Item.find(saved.id)
    assert found == saved
    assert type(found.done) is bool and found.done is True
    assert type(found.count) is int and type(found.score) is float
    assert found.name == "Zoë 🙂" and found.body == article
    await Item(name="not done").save()
    (not_done,) = await Item.findAll("name = ?", ["not done"])
    assert not_done.done is False


async def test_a_where_on_one_emoji_does_not_match_another(Item):
    await add(Item, "🙂", "😀", "🚀")
    # Older MySQL collations compare every emoji as equal; the ORM's tables must not.
    assert [item.name for item in await Item.findAll("name = ?", ["😀"])] == ["😀"]


async def test_save_fills_in_defaults_on_the_object_and_calls_callable_ones(Item):
    before = time.time()
    first, second = Item(name="first"), Item(name="second")
    await first.save()
    await second.save()
    assert len(first.id) == 32 and first.id != second.id  # the default was called each time
    assert before <= first.created_at <= time.time()
    assert first.done is False and first.body == ""
    assert await Item.find(first.id) == first


async def test_each_field_type_has_its_own_default(db):
    orm = db

    class Row(orm.Model):
        id = orm.StringField(primary_key=True, ddl="varchar(10)")
        flag = orm.BooleanField()
        number = orm.IntegerField()
        share = orm.FloatField()
        text = orm.TextField(default="")

    await orm.create_tables(Row)
    row = Row(id="r")
    await row.save()
    assert row == {"id": "r", "flag": False, "number": 0, "share": 0.0, "text": ""}
    assert type(row.number) is int and type(row.share) is float
    assert await Row.find("r") == row


async def test_a_string_or_text_left_out_without_a_default_is_an_integrity_error(db):
    orm = db

    class Row(orm.Model):
        id = orm.StringField(primary_key=True, ddl="varchar(10)")
        name = orm.StringField()
        text = orm.TextField()

    await orm.create_tables(Row)
    with pytest.raises(orm.IntegrityError):
        await Row(id="a", text="t").save()  # every column is NOT NULL: no name is no row
    with pytest.raises(orm.IntegrityError):
        await Row(id="b", name="n").save()
    await Row(id="c", name="", text="").save()
    assert await Row.findNumber("count(*)") == 1


async def test_a_value_given_is_kept_over_the_default(Item):
    item = Item(id="mine", name="given", done=True, created_at=12.5)
    await item.save()
    assert (item.id, item.done, item.created_at) == ("mine", True, 12.5)


async def test_a_column_named_apart_reads_back_under_its_attribute_whichever_sorts_first(db):
    orm = db

    class Page(orm.Model):
        id = orm.StringField(primary_key=True, ddl="varchar(10)")
        title = orm.StringField(name="headline")  # the column's name sorts before the attribute's
        body = orm.TextField(name="content")  # and this one after it

    await orm.create_tables(Page)
    await Page(id="p", title="Hello", body="text").save()
    expected = {"id": "p", "title": "Hello", "body": "text"}
    assert await Page.find("p") == expected
    assert await Page.findAll(orderBy="title") == [expected]


async def test_attributes_and_keys_are_the_same_values(Item):
    item = Item(name="a")
    item.count = 7
    assert item["count"] == 7 and item.name == "a"
    assert not hasattr(item, "score")  # a value never set is an AttributeError, as usual


async def test_columns_named_like_sql_keywords_work_because_identifiers_are_quoted(db):
    orm = db

    class Entry(orm.Model):
        __table__ = "order"
        key = orm.StringField(primary_key=True, ddl="varchar(20)")
        select = orm.IntegerField()
        group = orm.StringField(ddl="varchar(20)", index=True)

    await orm.create_tables(Entry)
    await Entry(key="b", select=2, group="x").save()
    await Entry(key="a", select=1, group="x").save()
    assert [e.key for e in await Entry.findAll(orderBy="select desc")] == ["b", "a"]
    assert await Entry.findNumber("max(select)") == 2


async def test_create_tables_writes_indexes_that_mysql_8_accepts_too(db, db_url):
    orm = db

    class Post(orm.Model):
        id = orm.StringField(primary_key=True, ddl="varchar(10)")
        slug = orm.StringField(ddl="varchar(20)", unique=True)
        created_at = orm.FloatField(index=True)

    heard = []

    def listener(sql, args):
        heard.append(sql)

    orm.statement_listeners.append(listener)
    try:
        await orm.create_tables(Post)
    finally:
        orm.statement_listeners.remove(listener)
    if db_url.startswith("mysql"):
        # MariaDB knows CREATE INDEX IF NOT EXISTS, MySQL 8 does not: on MySQL the indexes are
        # declared inside CREATE TABLE, which both accept.
        assert not [sql for sql in heard if "CREATE INDEX" in sql.upper()], heard
        rows = await orm.select("SHOW INDEX FROM post")
        indexed = {row["Column_name"] for row in rows if row["Key_name"] != "PRIMARY"}
    else:
        rows = await orm.select(
            "SELECT info.name FROM pragma_index_list('post') AS list,"
            " pragma_index_info(list.name) AS info WHERE list.origin <> 'pk'"
        )
        indexed = {row["name"] for row in rows}
    assert indexed == {"slug", "created_at"}


async def test_create_tables_twice_is_harmless(Item, db):
    await add(Item, "kept")
    await db.create_tables(Item)
    assert await Item.findNumber("count(*)") == 1


# --- finding ----------------------------------------------------------------------------------


async def test_find_returns_none_for_an_unknown_primary_key(Item):
    await add(Item, "a")
    assert await Item.find("no-such-id") is None


async def test_find_all_filters_with_where_and_args(Item):
    await add(Item, "apple", "banana", "cherry")
    found = await Item.findAll("count >= ? AND name <> ?", [2, "cherry"])
    assert [item.name for item in found] == ["banana"]
    assert isinstance(found[0], Item)


async def test_find_all_orders_by_a_column_in_either_direction(Item):
    await add(Item, "b", "c", "a")
    assert [i.name for i in await Item.findAll(orderBy="name")] == ["a", "b", "c"]
    assert [i.name for i in await Item.findAll(orderBy="name DESC")] == ["c", "b", "a"]
    assert [i.count for i in await Item.findAll(orderBy="done asc, count desc")] == [3, 2, 1]


async def test_find_all_limits_to_a_count_or_an_offset_and_count_pair(Item):
    await add(Item, "a", "b", "c", "d", "e")
    names = [i.name for i in await Item.findAll(orderBy="name", limit=2)]
    assert names == ["a", "b"]
    names = [i.name for i in await Item.findAll(orderBy="name", limit=(1, 2))]
    assert names == ["b", "c"]
    names = [i.name for i in await Item.findAll(orderBy="name", limit=[3, 10])]
    assert names == ["d", "e"]


async def test_find_number_counts_and_aggregates(Item):
    for name, count, score in (("a", 1, 0.5), ("b", 2, 1.5), ("c", 4, 2.0)):
        await Item(name=name, count=count, score=score).save()
    assert await Item.findNumber("count(*)") == 3
    assert await Item.findNumber("count(id)", "count > ?", [1]) == 2
    # On MySQL, sum() and avg() of integers are DECIMALs: equal to these numbers all the same.
    assert await Item.findNumber("sum(count)") == 7
    assert float(await Item.findNumber("avg(count)")) == pytest.approx(7 / 3, rel=1e-3)
    assert await Item.findNumber("max(score)") == 2.0
    assert await Item.findNumber("min(name)") == "a"
    assert await Item.findNumber("name", "count = ?", [4]) == "c"


async def test_find_number_on_no_rows_is_zero_for_a_count_and_none_for_the_rest(Item):
    assert await Item.findNumber("count(*)") == 0
    assert await Item.findNumber("max(created_at)") is None
    assert await Item.findNumber("sum(count)") is None
    assert await Item.findNumber("name", "count = ?", [99]) is None


# Each of these reaches SQL text the ORM writes; a ValueError must stop it before the database.
REFUSED = [
    ("orderBy", "name; DROP TABLE items"),
    ("orderBy", "name desc, (SELECT 1)"),
    ("orderBy", "password"),
    ("orderBy", "name sideways"),
    ("orderBy", "1"),
    ("orderBy", "name -- comment"),
    ("orderBy", "`name`"),
    ("selectField", "count(*); DROP TABLE items"),
    ("selectField", "sleep(5)"),
    ("selectField", "max(*)"),
    ("selectField", "avg(*)"),
    ("selectField", "sum(*)"),
    ("selectField", "count(password)"),
    ("selectField", "name, id"),
    ("selectField", "count(*) FROM items --"),
    ("limit", "10"),
    ("limit", "1; DROP TABLE items"),
    ("limit", (1,)),
    ("limit", (1, 2, 3)),
    ("limit", (-1, 5)),
    ("limit", 2.5),
    ("limit", True),
    ("limit", ("0", "5")),
]


@pytest.mark.parametrize("argument, value", REFUSED)
async def test_order_by_select_field_and_limit_refuse_anything_but_columns(Item, argument, value):
    await add(Item, "a", "b")
    with pytest.raises(ValueError):
        if argument == "selectField":
            await Item.findNumber(value)
        else:
            await Item.findAll(**{argument: value})
    assert await Item.findNumber("count(*)") == 2


# --- the SQL people write ---------------------------------------------------------------------


async def test_a_literal_percent_works_beside_placeholders(Item, db):
    await add(Item, "100% cotton", "pure wool", "50% silk")
    found = await Item.findAll("name LIKE '%o%' AND count > ?", [1])
    assert [item.name for item in found] == ["pure wool"]
    rows = await db.select("SELECT name FROM items WHERE name = '50% silk' OR name LIKE ?", ["1%"])
    assert sorted(row["name"] for row in rows) == ["100% cotton", "50% silk"]


async def test_a_question_mark_inside_a_string_literal_is_not_a_placeholder(Item, db):
    rows = await db.select("SELECT 'why?' AS mark, 'it''s ?' AS quoted, ? AS answer", [42])
    assert rows == [{"mark": "why?", "quoted": "it's ?", "answer": 42}]
    await add(Item, "?", "what?")
    assert [i.name for i in await Item.findAll("name <> '?' AND count = ?", [2])] == ["what?"]


async def test_the_callers_args_are_never_changed(Item, db):
    await add(Item, "a", "b", "c")
    args = ["%"]
    found = await Item.findAll("name LIKE ?", args, orderBy="name", limit=(1, 1))
    assert [item.name for item in found] == ["b"] and args == ["%"]
    await Item.findNumber("count(*)", "name LIKE ?", args)
    await db.select("SELECT * FROM items WHERE name LIKE ?", args, 1)
    assert args == ["%"]


async def test_select_returns_dicts_and_execute_the_rows_it_matched(Item, db):
    await add(Item, "a", "b", "c")
    assert await db.execute("UPDATE items SET score = ? WHERE count > ?", [1.5, 1]) == 2
    rows = await db.select("SELECT name, score FROM items ORDER BY name", size=2)
    assert rows == [{"name": "a", "score": 0.0}, {"name": "b", "score": 1.5}]


async def test_every_statement_is_told_to_the_statement_listeners_with_its_values(Item, db):
    heard = []

    def listener(sql, args):
        heard.append((sql, args))

    db.statement_listeners.append(listener)
    try:
        await add(Item, "a")
        await Item.findAll("name = ? AND name LIKE '%'", ["a"], limit=3)
        await db.execute("DELETE FROM items WHERE count > ?", [5])
    finally:
        db.statement_listeners.remove(listener)
    await Item.findAll()  # no longer listened to
    assert [sql.split()[0] for sql, _ in heard] == ["INSERT", "SELECT", "DELETE"]
    # The SQL as written, with its ? placeholders (on MySQL too), and the values as a tuple.
    select_sql, select_args = heard[1]
    assert select_sql.endswith("WHERE name = ? AND name LIKE '%' LIMIT ? OFFSET ?")
    assert select_args == ("a", 3, 0)
    assert heard[2] == ("DELETE FROM items WHERE count > ?", (5,))


# --- writing: the errors that say what went wrong -------------------------------------------


async def test_saving_a_duplicate_primary_key_raises_integrity_error(Item, db):
    (item,) = await add(Item, "first")
    with pytest.raises(db.IntegrityError):
        await Item(id=item.id, name="second").save()
    with pytest.raises(db.IntegrityError):  # a duplicate unique value, too
        await Item(name="first").save()
    assert await Item.findNumber("count(*)") == 1


async def test_update_writes_the_objects_values(Item):
    (item,) = await add(Item, "draft")
    item.name, item.done = "final", True
    await item.update()
    assert await Item.find(item.id) == item


async def test_update_of_an_unchanged_row_succeeds(Item):
    (item,) = await add(Item, "same")
    await item.update()  # MySQL reports 0 rows *changed*: the ORM counts rows *matched*
    await item.update()
    assert await Item.find(item.id) == item


async def test_update_and_remove_of_a_vanished_row_raise_row_not_found(Item, db):
    item, other = await add(Item, "gone", "kept")
    await item.remove()
    assert await Item.find(item.id) is None
    with pytest.raises(db.RowNotFoundError):
        await item.update()
    with pytest.raises(db.RowNotFoundError):
        await item.remove()
    assert await Item.find(item.id) is None and await Item.find(other.id) == other


# --- transactions -----------------------------------------------------------------------------


async def test_a_transaction_commits_all_its_queries_together(Item, db):
    # A query inside the block that waits for the block's own lock or connection fails here.
    async with asyncio.timeout(5), db.transaction():
        await add(Item, "a", "b")
        assert await Item.findNumber("count(*)") == 2  # its own writes are visible inside
    assert await Item.findNumber("count(*)") == 2


async def test_a_transaction_rolls_back_all_its_queries_on_an_error(Item, db):
    (kept,) = await add(Item, "kept")
    with pytest.raises(db.IntegrityError):
        async with asyncio.timeout(5), db.transaction():
            kept.count = 99
            await kept.update()
            await add(Item, "new")
            await Item(id=kept.id, name="duplicate").save()
    assert [(item.name, item.count) for item in await Item.findAll()] == [("kept", 1)]


async def test_a_query_outside_a_transaction_is_not_rolled_back_with_it(Item, db):
    inside = asyncio.Event()

    async def failing_transaction():
        async with db.transaction():
            await add(Item, "inside")
            inside.set()
            await asyncio.sleep(0.05)  # the other task's save is underway meanwhile
            raise RuntimeError("give up")

    async def save_outside():
        await inside.wait()
        await add(Item, "outside")

    # A task waiting on another must not wait forever: a wrong ORM fails here within seconds.
    async with asyncio.timeout(5):
        both = asyncio.gather(failing_transaction(), save_outside(), return_exceptions=True)
        results = await both
    assert isinstance(results[0], RuntimeError) and results[1] is None
    assert [item.name for item in await Item.findAll()] == ["outside"]


async def test_a_transaction_inside_another_joins_it(Item, db):
    with pytest.raises(RuntimeError):
        async with asyncio.timeout(5), db.transaction():
            await add(Item, "outer")
            async with db.transaction():
                await add(Item, "inner")
            raise RuntimeError("give up")  # the inner block's save goes with the outer one
    assert await Item.findAll() == []


# --- the pool: many users, closing, a server that is not there --------------------------------


async def test_many_concurrent_saves_and_finds_all_succeed(Item):
    async def save_then_find(n):
        item = Item(name=f"item {n}", count=n)
        await item.save()
        return await Item.find(item.id)

    async with asyncio.timeout(10):
        found = await asyncio.gather(*(save_then_find(n) for n in range(100)))
    assert sorted(item.count for item in found) == list(range(100))
    assert await Item.findNumber("count(*)") == 100


async def test_close_pool_then_create_pool_works_again(orm, db_url):
    await orm.create_pool(db_url)
    await orm.execute("CREATE TABLE t (n integer)")
    await orm.execute("INSERT INTO t (n) VALUES (?)", [1])
    await orm.close_pool()
    await orm.create_pool(db_url)
    try:
        assert await orm.select("SELECT n FROM t") == [{"n": 1}]
    finally:
        await orm.close_pool()


async def test_an_unknown_url_scheme_is_a_value_error_naming_the_supported_ones(orm):
    with pytest.raises(ValueError) as caught:
        await orm.create_pool("postgres://localhost/blog")
    message = str(caught.value)
    assert "postgres" in message and "sqlite" in message and "mysql" in message


async def test_an_unreachable_server_raises_database_unavailable_at_once(orm):
    async with asyncio.timeout(10):  # a hang fails here, not after pytest's two minutes
        with pytest.raises(orm.DatabaseUnavailableError):
            await orm.create_pool(f"mysql://root:@127.0.0.1:{free_port()}/blog")


async def test_a_statement_the_database_refuses_is_a_database_error_with_its_words(db):
    with pytest.raises(db.DatabaseError) as caught:
        await db.execute("SELEKT 1")
    assert not isinstance(caught.value, db.DatabaseUnavailableError)  # the server is there
    assert "syntax" in str(caught.value).lower()
    # The database's own words, not the driver's exception written out as Python.
    assert type(caught.value.__cause__).__name__ not in str(caught.value)
    assert str(caught.value).endswith(f": {caught.value.__cause__.args[-1]}")  # as said, unquoted


@pytest.mark.mysql
async def test_a_mysql_url_without_a_port_connects_to_port_3306(orm, mysql_server):
    if mysql_server.port != 3306:
        pytest.skip(f"the MySQL server under test listens on {mysql_server.port}, not on 3306")
    name = mysql_server.create_database()
    server = mysql_server
    try:
        await orm.create_pool(f"mysql://{server.user}:{server.password}@{server.host}/{name}")
        try:
            assert await orm.select("SELECT DATABASE() AS db") == [{"db": name}]
        finally:
            await orm.close_pool()
    finally:
        server.drop_database(name)


@pytest.mark.mysql
async def test_a_mysql_url_is_tried_on_the_host_it_names(orm, mysql_server):
    # The server's own port and login, on a host that does not exist: nothing can answer.
    server = mysql_server
    url = f"mysql://{server.user}:{server.password}@no-such-host.invalid:{server.port}/x"
    async with asyncio.timeout(10):
        with pytest.raises(orm.DatabaseUnavailableError):
            await orm.create_pool(url)


@pytest.mark.mysql
async def test_a_user_the_server_does_not_know_is_named_in_the_access_denied_error(
    orm, mysql_server
):
    url = f"mysql://nobody-here:@{mysql_server.host}:{mysql_server.port}/x"
    with pytest.raises(orm.DatabaseError) as caught:
        async with asyncio.timeout(10):
            await orm.create_pool(url)
    message = str(caught.value).lower()
    assert "access denied" in message and "nobody-here" in message


@pytest.mark.mysql
async def test_a_wrong_password_says_access_was_denied_for_that_user(orm, mysql_server):
    url = f"mysql://{mysql_server.user}:wrong-password@{mysql_server.host}:{mysql_server.port}/x"
    with pytest.raises(orm.DatabaseError) as caught:
        async with asyncio.timeout(10):
            await orm.create_pool(url)
    message = str(caught.value).lower()
    assert "access denied" in message and mysql_server.user in message


# --- the metaclass ----------------------------------------------------------------------------


def test_a_model_without_exactly_one_primary_key_is_a_type_error_when_defined(orm):
    with pytest.raises(TypeError):

        class NoKey(orm.Model):
            name = orm.StringField()

    with pytest.raises(TypeError):

        class TwoKeys(orm.Model):
            a = orm.StringField(primary_key=True)
            b = orm.StringField(primary_key=True)


def test_the_metaclass_writes_each_models_sql_once_with_quoted_names(orm):
    class Entry(orm.Model):
        __table__ = "entries"
        key = orm.StringField(primary_key=True)
        body = orm.TextField(name="content")

    assert Entry.__table__ == "entries" and Entry.__primary_key__ == "key"
    assert set(Entry.__mappings__) == {"key", "body"}
    assert not isinstance(getattr(Entry, "body", None), orm.Field)  # gone from the class
    assert Entry(body="x").body == "x"
