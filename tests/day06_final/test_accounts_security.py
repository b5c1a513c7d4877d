"""Accounts an attacker cannot take over or imitate: private files, one form of an email, honest
names, sessions that end on the server, credentials kept out of logs and URLs.

Each check is an attack from issue 14 that used to work. Where the database decides (how two
emails compare, which sessions still count), the check runs on SQLite and MariaDB.
"""

import logging
import stat
from pathlib import Path

import aiohttp
import pytest

from tests.day06_final.conftest import PASSWORD

# Every defence here is hardening (issue 14), so every check is of the production tier.
pytestmark = pytest.mark.production
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


def test_a_relative_sqlite_path_is_made_private_and_memory_makes_no_file(
    workbook, day, tmp_path, monkeypatch
):
    folder = tmp_path / "here"
    folder.mkdir()
    monkeypatch.chdir(folder)  # sqlite:///blog.db is relative to the working directory
    app = workbook.load(day, "app")
    app.create_private_sqlite_file("sqlite:///blog.db")
    assert mode(folder / "blog.db") == "0o600"
    app.create_private_sqlite_file("sqlite:///:memory:")  # a database that is no file
    assert sorted(path.name for path in folder.iterdir()) == ["blog.db"]


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
    "email, status",
    [
        ("ádmin@example.com", 401),  # a valid address, and another account's: no such user
        ("admin@exämple.com", 401),
        ("ad\u200bmin@example.com", 400),  # a hidden character: no valid address at all
    ],
)
async def test_a_look_alike_email_never_signs_in_as_the_account_it_imitates(
    client, admin, email, status
):
    # MariaDB's accent-insensitive comparison used to find the admin for "ádmin@...".
    response = await client.post("/api/authenticate", json={"email": email, "password": PASSWORD})
    assert response.status == status
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
    pytest.param("\u200dAnn", id="zero-width joiner first"),
    pytest.param("Ann\u200d\u200dBell", id="two zero-width joiners"),
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
        ("Family 👨\u200d👩\u200d👧", "Family 👨\u200d👩\u200d👧"),
        ("Love ❤️", "Love ❤️"),
    ],
)
async def test_a_real_name_is_kept_in_its_normal_form(client, admin, models, name, stored):
    body = {"name": name, "email": "reader@example.com", "password": PASSWORD}
    response = await client.post("/api/users", json=body)
    assert response.status == 200, await response.text()
    [user] = await models.User.findAll("admin = ?", [False])
    assert user.name == stored


# --- sessions that end on the server -------------------------------------------------------

NEW_PASSWORD = "a brand new passphrase"
COOKIE = "awesession"


async def signed_in_cookie(client, email) -> str:
    """Sign in through the API; the session cookie's value, as a thief would copy it."""
    response = await client.post("/api/authenticate", json={"email": email, "password": PASSWORD})
    assert response.status == 200
    return response.cookies[COOKIE].value


async def comment_with(client, blog, cookie: str | None = None) -> int:
    """Post a comment carrying ``cookie`` alone (else the client's own cookies): the status."""
    path, body = f"/api/blogs/{blog.id}/comments", {"content": "still here?"}
    if cookie is None:
        return (await client.post(path, json=body)).status
    # A browser of its own, as a thief's would be: it sends that cookie and nothing else.
    headers = {"Cookie": f"{COOKIE}={cookie}"}
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as thief:
        async with thief.post(client.make_url(path), json=body, headers=headers) as response:
            return response.status


async def test_after_signing_out_the_old_cookie_is_refused(client, auth, admin, save_blog):
    blog = await save_blog(admin)
    await auth.make_user(email="rui@example.com")
    cookie = await signed_in_cookie(client, "rui@example.com")
    assert await comment_with(client, blog, cookie) == 200
    assert (await client.post("/signout", allow_redirects=False)).status == 302
    # The browser dropped it; a copy kept elsewhere (a stolen one) ends on the server too.
    assert await comment_with(client, blog, cookie) == 401


async def change_password(client, current=PASSWORD, new=NEW_PASSWORD, again=None, **kwargs):
    form = {"current": current, "password": new, "password2": again or new}
    return await client.post("/account/password", data=form, allow_redirects=False, **kwargs)


async def test_changing_the_password_ends_the_other_sessions_but_not_this_one(
    client, auth, admin, save_blog
):
    blog = await save_blog(admin)
    await auth.make_user(email="rui@example.com")
    other_device = await signed_in_cookie(client, "rui@example.com")
    await signed_in_cookie(client, "rui@example.com")  # this browser, whose jar keeps it
    response = await change_password(client)
    assert response.status == 200, await response.text()
    assert "password was changed" in await response.text()
    assert await comment_with(client, blog, other_device) == 401
    # This browser got a fresh cookie with the answer: it stays signed in.
    assert await comment_with(client, blog) == 200
    assert (await auth.sign_in("rui@example.com")).status == 401
    assert (await auth.sign_in("rui@example.com", NEW_PASSWORD)).status == 200


@sqlite_only
async def test_the_password_page_asks_a_visitor_to_sign_in(client):
    response = await client.get("/account/password", allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"] == "/signin"


@sqlite_only
@pytest.mark.parametrize(
    "form, field",
    [
        ({"current": "not my password"}, "current"),
        ({"new": "short"}, "password"),
        ({"again": "something else entirely"}, "password2"),
    ],
)
async def test_a_refused_password_change_says_why_and_changes_nothing(
    client, auth, models, form, field
):
    user = await auth.as_user()
    response = await change_password(client, **form)
    assert response.status == 400
    assert f"{field}:" in await response.text()
    assert (await models.User.find(user.id)).passwd == user.passwd


@sqlite_only
async def test_a_cross_site_password_change_is_refused(client, auth, models):
    user = await auth.as_user()
    response = await change_password(client, headers={"Origin": "https://evil.example"})
    assert response.status == 403
    assert (await models.User.find(user.id)).passwd == user.passwd


async def test_an_admin_disables_an_account_from_manage_users(client, auth, admin, save_blog):
    blog = await save_blog(admin)
    reader = await auth.make_user(email="rui@example.com")
    cookie = await signed_in_cookie(client, "rui@example.com")
    auth.sign_in_as(admin)
    disable = f"/manage/users/{reader.id}/disable"
    assert (await client.post(disable, allow_redirects=False)).status == 302
    assert "Disabled" in await (await client.get("/manage/users")).text()
    assert await comment_with(client, blog, cookie) == 401
    refused = await auth.sign_in("rui@example.com")
    assert refused.status == 403
    assert "disabled" in (await refused.json())["message"]
    enable = f"/manage/users/{reader.id}/enable"
    assert (await client.post(enable, allow_redirects=False)).status == 302
    assert (await auth.sign_in("rui@example.com")).status == 200


@sqlite_only
async def test_an_admin_disables_and_enables_an_account_through_the_api(client, auth, admin):
    reader = await auth.make_user(email="rui@example.com")
    auth.sign_in_as(admin)
    response = await client.post(f"/api/users/{reader.id}/disable")
    assert response.status == 200
    assert (await response.json())["disabled"] is True
    assert (await auth.sign_in("rui@example.com")).status == 403
    auth.sign_in_as(admin)
    response = await client.post(f"/api/users/{reader.id}/enable")
    assert (await response.json())["disabled"] is False
    assert (await auth.sign_in("rui@example.com")).status == 200


@sqlite_only
async def test_only_an_admin_disables_and_never_their_own_account(client, auth, admin):
    await auth.as_user()
    assert (await client.post(f"/api/users/{admin.id}/disable")).status == 403
    auth.sign_in_as(admin)
    response = await client.post(f"/api/users/{admin.id}/disable")
    assert response.status == 400
    assert (await auth.sign_in("admin@example.com")).status == 200
    assert (await client.post("/api/users/no-such-user/disable")).status == 404


# --- credentials kept out of logs and URLs -------------------------------------------------


@pytest.fixture
def server_log(caplog, workbook, day):
    """What ``serve --trace`` would log: the access log, the nine steps and their SQL."""
    for module in ("tracing", "middlewares"):
        caplog.set_level(logging.INFO, logger=workbook.load(day, module).log.name)
    return caplog


async def test_the_traced_log_never_shows_a_password_or_its_hash(client, auth, server_log):
    body = {"name": "Rui", "email": "rui@example.com", "password": PASSWORD}
    assert (await client.post("/api/users", json=body)).status == 200
    assert (await auth.sign_in("rui@example.com", "a wrong guess, 'quoted'")).status == 401
    assert (await auth.sign_in("rui@example.com")).status == 200
    change = {"current": PASSWORD, "password": NEW_PASSWORD}
    assert (await client.post("/api/account/password", json=change)).status == 200
    logged = server_log.text
    # The log still shows each step and its SQL: only the credentials are hidden.
    assert "api_authenticate(" in logged and "INSERT INTO" in logged
    for secret in (PASSWORD, NEW_PASSWORD, "a wrong guess", "scrypt$"):
        assert secret not in logged


@sqlite_only
@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/authenticate?password=hunter22", {"email": "rui@example.com"}),
        ("/api/users?password=hunter22", {"name": "Rui", "email": "rui@example.com"}),
        ("/signin?password=hunter22", {"email": "rui@example.com"}),
        ("/account/password?current=hunter22", {"password": NEW_PASSWORD}),
    ],
)
async def test_a_password_in_the_url_is_a_400_naming_it_and_never_logged(
    client, auth, server_log, rows, path, body
):
    await auth.as_user()
    before = await rows()
    sent = {"json": body} if path.startswith("/api/") else {"data": body}
    response = await client.post(path, allow_redirects=False, **sent)
    assert response.status == 400
    field = path.split("?")[1].split("=")[0]
    assert f"{field}:" in await response.text()
    assert await rows() == before
    # URLs are logged here, by any proxy in between, and kept in browsers' histories.
    assert "hunter22" not in server_log.text
