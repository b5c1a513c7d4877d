"""No answer echoes Python's internals: a file where text belongs, a number too long to convert,
a static file that is not there. Each is a plain 4xx that says what was wrong, and is logged so.

Nothing here depends on the database: the checks run on SQLite.
"""

import logging

import aiohttp
import pytest

from tests.day06_final.conftest import PASSWORD

pytestmark = [pytest.mark.production, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]

INTERNALS = ("FileField", "SpooledTemporaryFile", " at 0x", "set_int_max_str_digits", "Traceback")
LONG = "9" * 5000  # past the 4,300 digits Python converts to an int


def leaks(text: str) -> list[str]:
    return [word for word in INTERNALS if word in text]


def form_with_a_file(values: dict, as_file: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, value in values.items():
        if name == as_file:
            form.add_field(name, b"not text", filename="a.txt", content_type="text/plain")
        else:
            form.add_field(name, value)
    return form


REGISTRATION = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}


@pytest.mark.parametrize(
    ("path", "values", "field"),
    [
        ("/register", {**REGISTRATION, "password2": PASSWORD}, "email"),
        ("/register", {**REGISTRATION, "password2": PASSWORD}, "name"),
        ("/signin", {"email": "ann@example.com", "password": PASSWORD}, "email"),
        ("/api/users", REGISTRATION, "name"),
    ],
)
async def test_a_file_sent_as_a_form_field_is_a_400_naming_the_field(
    client, rows, path, values, field
):
    response = await client.post(path, data=form_with_a_file(values, field))
    assert response.status == 400
    text = await response.text()
    assert f"{field}: expected text, not a file" in text
    assert leaks(text) == []
    assert (await rows())["users"] == 0


async def test_a_file_sent_as_a_comment_is_a_400_naming_the_field(client, auth, save_blog, rows):
    blog = await save_blog(await auth.make_user(admin=True))
    await auth.as_user()
    form = form_with_a_file({"content": "x"}, "content")
    response = await client.post(f"/blog/{blog.id}/comments", data=form)
    assert response.status == 400
    assert "content: expected text, not a file" in await response.text()
    assert (await rows())["comments"] == 0


@pytest.mark.parametrize("path", ["/api/users", "/api/authenticate"])
async def test_a_json_number_too_long_to_convert_is_a_400_in_plain_words(client, path):
    body = '{"name": ' + LONG + ', "email": "a@example.com", "password": "x"}'
    response = await client.post(path, data=body, headers={"Content-Type": "application/json"})
    assert response.status == 400
    error = await response.json()
    assert error["error"] == "body:invalid"
    assert "more than 4300 digits" in error["message"]
    assert leaks(error["message"]) == []


async def test_the_same_digits_inside_a_text_are_just_text(client, auth, save_blog):
    blog = await save_blog(await auth.make_user(admin=True))
    await auth.as_user()
    response = await client.post(f"/api/blogs/{blog.id}/comments", json={"content": LONG[:2000]})
    assert response.status == 200
    long_text = {"content": LONG}  # too long for a comment: refused for that, not as a number
    refused = await client.post(f"/api/blogs/{blog.id}/comments", json=long_text)
    assert refused.status == 400
    assert (await refused.json())["data"] == "content"


@pytest.mark.parametrize("path", ["/static/no-such-file.css", "/static/css", "/static/css/"])
async def test_a_missing_static_file_is_the_blogs_404_page_and_logged_as_404(client, caplog, path):
    caplog.set_level(logging.INFO)
    response = await client.get(path)
    assert response.status == 404
    assert response.content_type == "text/html"
    assert "error-page" in await response.text()
    logged = [entry.getMessage() for entry in caplog.records if path in entry.getMessage()]
    assert any(f"GET {path} 404 " in line for line in logged), logged


async def test_a_static_file_that_is_there_is_still_served(client):
    response = await client.get("/static/css/blog.css")
    assert response.status == 200
    assert response.content_type == "text/css"
