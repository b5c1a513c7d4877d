"""The blog's models: their ids, their tables and indexes, on SQLite and on MySQL/MariaDB.

Written against the day under test, so later days re-run these checks on their own copy
of models.py (``from tests.day04_models.test_models import *``).
"""

import time
import uuid

import pytest

from tests.day03_orm import test_orm

# The ORM checks' fixtures (the orm module, an open pool), shared rather than written twice.
orm, db = test_orm.orm, test_orm.db

COLUMNS = {
    "users": {"id", "email", "passwd", "admin", "name", "image", "created_at"},
    "blogs": {
        "id",
        "user_id",
        "user_name",
        "user_image",
        "name",
        "summary",
        "content",
        "created_at",
    },
    "comments": {"id", "blog_id", "user_id", "user_name", "user_image", "content", "created_at"},
}
# (table, column, unique?): the indexes a blog needs to list and look things up quickly.
INDEXES = [
    ("users", "email", True),
    ("users", "created_at", False),
    ("blogs", "created_at", False),
    ("comments", "created_at", False),
    ("comments", "blog_id", False),
]


@pytest.fixture
def models(workbook, day):
    """The models module of the day under test."""
    return workbook.load(day, "models")


@pytest.fixture
async def tables(db, models):
    """The models, their tables created on an empty database (SQLite, then MySQL)."""
    await db.create_tables(models.User, models.Blog, models.Comment)
    return models


async def catalog_columns(db, db_url: str, table: str) -> set[str]:
    """The columns of a table, as the database itself lists them."""
    if db_url.startswith("sqlite"):
        return {row["name"] for row in await db.select(f"PRAGMA table_info({table})")}
    sql = "SELECT column_name AS name FROM information_schema.columns"
    sql += " WHERE table_schema = DATABASE() AND table_name = ?"
    return {row["name"] for row in await db.select(sql, [table])}


async def catalog_indexes(db, db_url: str, table: str) -> dict[str, bool]:
    """{column: unique?} for each single-column index of a table, besides the primary key."""
    if db_url.startswith("sqlite"):
        indexes = {}
        for index in await db.select(f"PRAGMA index_list({table})"):
            columns = await db.select(f"PRAGMA index_info({index['name']})")
            if len(columns) == 1 and index["origin"] != "pk":
                indexes[columns[0]["name"]] = bool(index["unique"])
        return indexes
    sql = "SELECT column_name AS col, non_unique AS non_unique FROM information_schema.statistics"
    sql += " WHERE table_schema = DATABASE() AND table_name = ? AND index_name <> 'PRIMARY'"
    return {row["col"]: not row["non_unique"] for row in await db.select(sql, [table])}


def user(models, **values):
    """A User of the day under test: Ada, unless `values` say otherwise."""
    ada = {"email": "ada@example.com", "passwd": "hash", "name": "Ada", "image": ""}
    return models.User(**{**ada, **values})


# --- ids ----------------------------------------------------------------------------------


def test_next_id_is_a_string_of_50_characters(models):
    new_id = models.next_id()
    assert isinstance(new_id, str) and len(new_id) == 50


def test_next_id_is_the_microseconds_it_was_made_at_then_a_random_uuid(models):
    before = time.time_ns() // 1000
    new_id = models.next_id()
    after = time.time_ns() // 1000
    assert new_id[:18].isdigit() and before <= int(new_id[:18]) <= after
    assert uuid.UUID(hex=new_id[18:]).version == 4


def test_next_ids_are_unique(models):
    ids = [models.next_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)


def test_next_ids_sort_in_the_order_they_were_made(models):
    ids = []
    for _ in range(5):
        ids.append(models.next_id())
        time.sleep(0.002)
    assert sorted(ids) == ids


# --- tables -------------------------------------------------------------------------------


@pytest.mark.parametrize("table", sorted(COLUMNS))
async def test_each_table_has_the_courses_columns(tables, db, db_url, table):
    assert await catalog_columns(db, db_url, table) == COLUMNS[table]


@pytest.mark.parametrize("table, column, unique", INDEXES)
async def test_the_indexes_a_blog_needs_exist(tables, db, db_url, table, column, unique):
    indexes = await catalog_indexes(db, db_url, table)
    assert column in indexes, f"no index on {table}.{column}"
    assert indexes[column] is unique


async def test_create_tables_twice_keeps_the_data(tables, db):
    await user(tables).save()
    await db.create_tables(tables.User, tables.Blog, tables.Comment)
    assert await tables.User.findNumber("count(*)") == 1


async def test_a_second_user_with_the_same_email_is_refused(tables, db):
    await user(tables).save()
    with pytest.raises(db.IntegrityError):
        await user(tables, name="Impostor").save()
    assert await tables.User.findNumber("count(*)") == 1


async def test_saving_fills_in_the_id_admin_flag_and_creation_time(tables):
    before = time.time()
    ada = user(tables)
    await ada.save()
    assert len(ada.id) == 50 and ada.admin is False
    assert before <= ada.created_at <= time.time()
    found = await tables.User.find(ada.id)
    assert found == ada and found.admin is False


async def test_passwd_holds_a_modern_salted_hash(tables):
    # scrypt with its parameters, a 16-byte salt and a 64-byte key, all in hex: 180 characters.
    digest = "scrypt:32768:8:1$" + "ab" * 16 + "$" + "cd" * 64
    ada = user(tables, passwd=digest, admin=True)
    await ada.save()
    found = await tables.User.find(ada.id)
    assert found.passwd == digest and found.admin is True


async def test_a_blog_holds_an_article_of_a_megabyte(tables):
    article = "A line of an article, with an emoji 🚀 and 中文.\n" * 23_000  # over 1 MB
    assert len(article.encode()) > 1_000_000
    author = dict(user_id="u", user_name="Ada", user_image="")
    blog = tables.Blog(**author, name="Long", summary="s", content=article)
    await blog.save()
    assert (await tables.Blog.find(blog.id)).content == article


async def test_a_blogs_comments_are_found_by_blog_id_newest_first(tables):
    author = dict(user_id="u", user_name="Ada", user_image="")
    blog = tables.Blog(**author, name="Post", summary="s", content="c")
    other = tables.Blog(**author, name="Other", summary="s", content="c")
    await blog.save()
    await other.save()
    for n, blog_id in enumerate([blog.id, other.id, blog.id]):
        comment = tables.Comment(**author, blog_id=blog_id, content=f"comment {n}")
        comment.created_at = 1000.0 + n
        await comment.save()
    comments = await tables.Comment.findAll("blog_id = ?", [blog.id], orderBy="created_at desc")
    assert [c.content for c in comments] == ["comment 2", "comment 0"]
