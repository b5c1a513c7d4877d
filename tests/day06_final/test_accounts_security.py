"""Accounts an attacker cannot take over or imitate: private files, one form of an email, honest
names, sessions that end on the server, credentials kept out of logs and URLs.

Each check is an attack from issue 14 that used to work. Where the database decides (how two
emails compare, which sessions still count), the check runs on SQLite and MariaDB.
"""

import stat
from pathlib import Path

import pytest

from tests.day06_final.conftest import PASSWORD

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


# --- the database file --------------------------------------------------------------------


def mode(path) -> str:
    return oct(stat.S_IMODE(Path(path).stat().st_mode))


def test_init_db_creates_the_sqlite_file_readable_by_its_owner_only(run, tmp_path):
    path = tmp_path / "blog.db"
    result = run("init-db", "--db", f"sqlite:///{path}")
    assert result.returncode == 0, result.stderr
    # The file holds every email and password hash: no other account on the machine reads it.
    assert mode(path) == "0o600"


@sqlite_only
async def test_the_served_blog_creates_its_sqlite_file_private(client, config):
    assert (await client.get("/")).status == 200
    assert mode(config.db_url.removeprefix("sqlite:///")) == "0o600"


# --- one form of an email -----------------------------------------------------------------


@pytest.fixture
async def admin(auth):
    """An administrator, Grace Hopper <admin@example.com>, with PASSWORD."""
    return await auth.make_user("Grace Hopper", admin=True, email="admin@example.com")


async def test_a_full_width_email_is_the_same_address_as_its_plain_form(client, admin, rows):
    body = {"name": "Mallory", "email": "ＡＤＭＩＮ@example.com", "password": PASSWORD}
    response = await client.post("/api/users", json=body)
    assert response.status == 400
    assert (await response.json())["data"] == "email"
    assert (await rows())["users"] == 1


@pytest.mark.parametrize(
    "email", ["ádmin@example.com", "admin@exämple.com", "ad\u200bmin@example.com"]
)
async def test_a_look_alike_email_never_signs_in_as_the_account_it_imitates(client, admin, email):
    # MariaDB's accent-insensitive comparison used to find the admin for "ádmin@...".
    response = await client.post("/api/authenticate", json={"email": email, "password": PASSWORD})
    assert response.status in (400, 401)
    assert "awesession" not in response.cookies


async def test_an_email_too_long_once_lower_cased_is_a_400_naming_it(client, rows):
    # "İ" lower-cases to two characters: 207 typed, 407 stored.
    body = {"name": "Ann", "email": "İ" * 200 + "@ex.com", "password": PASSWORD}
    response = await client.post("/api/users", json=body)
    assert response.status == 400
    assert (await response.json())["data"] == "email"
    assert (await rows())["users"] == 0


async def test_an_email_is_stored_in_its_one_canonical_form(client, models):
    body = {"name": "Ann", "email": "  ＡＮＮ@Example.COM ", "password": PASSWORD}
    assert (await client.post("/api/users", json=body)).status == 200
    [user] = await models.User.findAll()
    assert user.email == "ann@example.com"


# --- names --------------------------------------------------------------------------------

HIDDEN_OR_FORGED_NAMES = [
    pytest.param("\u200b", id="zero-width space"),
    pytest.param("\u3164", id="Hangul filler"),
    pytest.param("\ufeff", id="byte-order mark"),
    pytest.param("Ann\u200bBell", id="zero-width space inside"),
    pytest.param("evil\u202egnp.exe", id="right-to-left override"),
    pytest.param("Ann\u2066Bell", id="bidirectional isolate"),
    pytest.param("Z" + "\u0301" * 49, id="49 combining marks"),
    pytest.param("\u0301Ann", id="starts with a combining mark"),
    pytest.param("Ann\u2028Bell", id="line separator"),
    pytest.param("Admin", id="the word admin"),
    pytest.param("ADMINISTRATOR", id="administrator in capitals"),
    pytest.param("Ａｄｍｉｎ", id="full-width admin"),
    pytest.param("\u0410dmin", id="Cyrillic A in admin"),
    pytest.param("A.d.m.i.n", id="admin with dots"),
    pytest.param("grace hopper", id="the admin's name in lower case"),
    pytest.param("Grace Hоpper", id="the admin's name with a Cyrillic o"),
    pytest.param("Grâce  Hopper", id="the admin's name with an accent"),
]


@sqlite_only
@pytest.mark.parametrize("name", HIDDEN_OR_FORGED_NAMES)
async def test_a_hidden_or_administrator_like_name_is_a_400_naming_the_name(
    client, admin, rows, name
):
    body = {"name": name, "email": "mallory@example.com", "password": PASSWORD}
    response = await client.post("/api/users", json=body)
    assert response.status == 400, await response.text()
    assert (await response.json())["data"] == "name"
    assert (await rows())["users"] == 1


@sqlite_only
@pytest.mark.parametrize(
    "name, stored",
    [
        ("李雷", "李雷"),
        ("Grace 🐞", "Grace 🐞"),
        ("Zoë Nguyễn", "Zoë Nguyễn"),
        ("ภาษาไทย", "ภาษาไทย"),
        ("  Ｊｏｓé  ", "José"),
        ("Jose\u0301", "José"),
        ("Addy Minh", "Addy Minh"),
    ],
)
async def test_a_real_name_is_kept_in_its_normal_form(client, admin, models, name, stored):
    body = {"name": name, "email": "reader@example.com", "password": PASSWORD}
    response = await client.post("/api/users", json=body)
    assert response.status == 200, await response.text()
    [user] = await models.User.findAll("admin = ?", [False])
    assert user.name == stored
