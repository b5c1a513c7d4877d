"""Input checked at the edge: each bad value sent to each API is a 4xx naming the problem, and
the database is exactly as it was. Values at the limits fit the columns of both databases.

The bad-input table runs on SQLite: the checks happen before any query. The values at the
limits run on both backends, because that is where MySQL would cut or refuse a value.
"""

import pytest

from tests.day06_final.conftest import PASSWORD

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

USER = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
SIGN_IN = {"email": "ann@example.com", "password": PASSWORD}
BLOG = {"name": "Title", "summary": "Summary", "content": "Content"}
COMMENT = {"content": "A comment"}
CONTENT_LIMIT = 1_000_000


def without(body: dict, field: str) -> dict:
    return {key: value for key, value in body.items() if key != field}


def bad_values(body: dict, field: str, values: list) -> list[tuple[dict, str]]:
    """``body`` with ``field`` missing, then set to each of ``values``."""
    return [(without(body, field), field)] + [({**body, field: v}, field) for v in values]


NOT_TEXT = [None, 42, ["a list"]]  # null, a number, a list: anything but a string
EMPTY = ["", "   "]
BAD = {
    # (path, who): [(body, the field the 400 names), ...]; each field missing, then each value.
    ("/api/users", "visitor"): (
        bad_values(USER, "name", NOT_TEXT + EMPTY + ["x" * 51, "tab\there", "line\nbreak"])
        + bad_values(USER, "name", ["nul\x00byte", "lone \ud800 surrogate"])
        + bad_values(USER, "email", [42, "", "ann", "ann@", "@example.com", "ann@example"])
        + bad_values(USER, "email", ["ann smith@example.com", "a@@example.com"])
        + bad_values(USER, "email", ["a" * 243 + "@example.com"])
        + bad_values(USER, "password", [42, "", "short", "        ", "x" * 129])
    ),
    ("/api/authenticate", "visitor"): (
        bad_values(SIGN_IN, "email", [42, "", "not an email"])
        + bad_values(SIGN_IN, "password", [42, "", "x" * 129])
    ),
    ("/api/blogs", "admin"): (
        bad_values(BLOG, "name", NOT_TEXT + EMPTY + ["x" * 101, "line\nbreak"])
        + bad_values(BLOG, "summary", [42, "  \n ", "x" * 201, "bell\x07"])
        + bad_values(BLOG, "content", [42, " \n\n ", "x" * (CONTENT_LIMIT + 1)])
    ),
    ("/api/blogs/{blog}", "admin"): (
        bad_values(BLOG, "name", ["", "x" * 101])
        + bad_values(BLOG, "summary", ["x" * 201])
        + bad_values(BLOG, "content", [42, "   "])
    ),
    ("/api/blogs/{blog}/comments", "reader"): bad_values(
        COMMENT, "content", NOT_TEXT + EMPTY + [" \n ", "x" * 2001, "escape\x1b[31m"]
    ),
    ("/api/markdown/preview", "admin"): bad_values(
        {"text": "*hi*"}, "text", [42, "x" * (CONTENT_LIMIT + 1)]
    ),
}
TABLE = [
    pytest.param(
        path, who, body, field, id=f"{path} {field} {repr(body.get(field, '<missing>'))[:24]}"
    )
    for (path, who), rows in BAD.items()
    for body, field in rows
]


@sqlite_only
@pytest.mark.parametrize("path, who, body, field", TABLE)
async def test_a_bad_value_is_a_400_naming_its_field_and_nothing_is_written(
    client, auth, save_blog, rows, path, who, body, field
):
    admin = await auth.make_user("Admin", admin=True)
    await auth.make_user(email="ann@example.com")  # so that signing in gets as far as it can
    blog = await save_blog(admin)
    if who == "admin":
        auth.sign_in_as(admin)
    elif who == "reader":
        await auth.as_user()
    before = await rows()
    response = await client.post(path.format(blog=blog.id), json=body)
    assert response.status == 400, await response.text()
    answer = await response.json()
    assert (answer["error"], answer["data"]) == ("value:invalid", field)
    assert answer["message"].startswith(f"{field}: ")
    assert await rows() == before
    assert await auth.models.Blog.find(blog.id) == blog


PAGES = ["0", "-1", "abc", "1.5", "", "9" * 30, "1;DROP TABLE blogs"]


@sqlite_only
@pytest.mark.parametrize("path", ["/api/blogs", "/api/users", "/api/comments"])
@pytest.mark.parametrize("page", PAGES)
async def test_a_page_number_that_is_not_a_whole_number_from_1_is_a_400_naming_page(
    client, auth, path, page
):
    await auth.as_admin()
    response = await client.get(path, params={"page": page})
    assert response.status == 400
    assert (await response.json())["data"] == "page"


@sqlite_only
async def test_a_body_that_is_not_a_json_object_is_a_400(client, rows):
    before = await rows()
    for body in (b"[1, 2]", b'{"name": ', b'"text"'):
        response = await client.post(
            "/api/users", data=body, headers={"Content-Type": "application/json"}
        )
        assert response.status == 400
        answer = await response.json()
        assert (answer["error"], answer["data"]) == ("body:invalid", "")  # no field to name
    assert await rows() == before


# --- at the limits, on both databases -----------------------------------------------------

LONGEST_NAME = "🐍" * 49 + "名"  # 50 characters of 4 bytes and 3 bytes in UTF-8


async def test_values_at_the_limits_are_stored_whole_on_both_databases(client, auth, models):
    email = "a" * 242 + "@example.com"  # 254 characters
    response = await client.post(
        "/api/users", json={"name": LONGEST_NAME, "email": email, "password": "p" * 128}
    )
    assert response.status == 200, await response.text()
    [user] = await models.User.findAll()
    assert (user.name, user.email) == (LONGEST_NAME, email)
    auth.sign_in_as(await auth.make_user(admin=True))
    blog = {"name": "标" * 100, "summary": "😀" * 200, "content": "长文 " * 50_000}
    response = await client.post("/api/blogs", json=blog)
    assert response.status == 200, await response.text()
    saved = await models.Blog.find((await response.json())["id"])
    assert {key: saved[key] for key in blog} == blog
    response = await client.post(f"/api/blogs/{saved.id}/comments", json={"content": "💬" * 2000})
    assert response.status == 200
    [comment] = await models.Comment.findAll()
    assert comment.content == "💬" * 2000


async def test_text_is_trimmed_and_line_breaks_are_kept_as_newlines(client, auth, models):
    auth.sign_in_as(await auth.make_user(admin=True))
    blog = {"name": "  Title  ", "summary": " one\r\ntwo ", "content": "    code\r\n"}
    answer = await (await client.post("/api/blogs", json=blog)).json()
    saved = await models.Blog.find(answer["id"])
    # The content is markdown: its leading spaces make a code block, so they stay.
    assert (saved.name, saved.summary, saved.content) == ("Title", "one\ntwo", "    code\n")
