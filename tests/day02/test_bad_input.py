"""Bad input gets a clear 4xx with a JSON message naming the problem, never a 500, and a
refused note is not stored."""

import io

import pytest

JSON = {"Content-Type": "application/json"}
LONG_TITLE = "x" * 101
# A multipart form as it goes over the wire, its one field a file where text is expected.
FILE_AS_TITLE = (
    b"--sep\r\n"
    b'Content-Disposition: form-data; name="title"; filename="title.txt"\r\n'
    b"Content-Type: text/plain\r\n\r\n"
    b"bytes in a file\r\n"
    b"--sep--\r\n"
)

# (what is wrong, request keyword arguments, expected status, a word the message must contain)
BAD_NOTES = [
    ("malformed JSON", {"data": '{"title": ', "headers": JSON}, 400, "JSON"),
    ("an empty JSON body", {"data": "", "headers": JSON}, 400, "JSON"),
    ("JSON that is not UTF-8", {"data": b'{"title": "\xff"}', "headers": JSON}, 400, "JSON"),
    ("a JSON list", {"json": [{"title": "x"}]}, 400, "object"),
    ("a JSON string", {"json": "title"}, 400, "object"),
    ("no title", {"json": {"body": "text"}}, 400, "title"),
    ("a number as title", {"json": {"title": 5}}, 400, "title"),
    ("a null title", {"json": {"title": None}}, 400, "title"),
    ("a list as title", {"json": {"title": ["a"]}}, 400, "title"),
    ("a blank title", {"json": {"title": "   "}}, 400, "title"),
    ("a title too long", {"json": {"title": LONG_TITLE}}, 400, "title"),
    ("an object as body", {"json": {"title": "t", "body": {}}}, 400, "body"),
    ("a body too long", {"json": {"title": "t", "body": "x" * 10_001}}, 400, "body"),
    ("a form without title", {"data": {"body": "text"}}, 400, "title"),
    (
        "a form that is not UTF-8",
        {"data": b"title=\xff", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
        400,
        "form",
    ),
    (
        "a file as title",
        {"data": FILE_AS_TITLE, "headers": {"Content-Type": "multipart/form-data; boundary=sep"}},
        400,
        "title",
    ),
    (
        "JSON in a charset that does not exist",
        {"data": b'{"title": "t"}', "headers": {"Content-Type": "application/json; charset=nope"}},
        400,
        "nope",
    ),
    (
        "a form in a charset that does not exist",
        {
            "data": b"title=t",
            "headers": {"Content-Type": "application/x-www-form-urlencoded; charset=nope"},
        },
        400,
        "nope",
    ),
    (
        "multipart without a boundary",
        {"data": b"--x--", "headers": {"Content-Type": "multipart/form-data"}},
        400,
        "form",
    ),
    ("plain text", {"data": "title", "headers": {"Content-Type": "text/plain"}}, 415, "text/plain"),
    (
        "JSON sent as JavaScript",
        {"data": '{"title": "t"}', "headers": {"Content-Type": "application/javascript"}},
        415,
        "application/javascript",
    ),
    ("bytes of no stated type", {"data": b"title=x"}, 415, "application/octet-stream"),
]


@pytest.mark.parametrize(
    "kwargs, status, word", [case[1:] for case in BAD_NOTES], ids=[case[0] for case in BAD_NOTES]
)
async def test_a_bad_note_is_refused_with_a_4xx_naming_the_problem_and_not_stored(
    client, auth, kwargs, status, word
):
    headers = {**auth, **kwargs.get("headers", {})}
    body = {key: value for key, value in kwargs.items() if key != "headers"}
    response = await client.post("/notes", headers=headers, **body)
    assert response.status == status
    assert response.content_type == "application/json"
    assert word.lower() in (await response.json())["message"].lower()
    listed = await (await client.get("/notes")).json()
    assert listed["notes"] == []


async def test_a_body_over_the_1_mib_limit_is_refused_with_413(client, auth):
    # A file-like body: aiohttp's client warns about sending megabytes of bytes in one piece.
    oversized = io.BytesIO(b'{"title": "t", "body": "' + b"x" * 2**21 + b'"}')
    response = await client.post("/notes", data=oversized, headers={**auth, **JSON})
    assert response.status == 413
    assert "size" in (await response.json())["message"]


BAD_READS = [
    ("an id that is not a number", "/notes/abc", 400, "abc"),
    ("a negative id", "/notes/-1", 400, "-1"),
    ("an unknown id", "/notes/99", 404, "99"),
    ("a limit that is not a number", "/notes?limit=many", 400, "limit"),
    ("a limit of zero", "/notes?limit=0", 400, "limit"),
    ("a limit over 100", "/notes?limit=101", 400, "limit"),
    ("a path with no route", "/no/such/page", 404, "/no/such/page"),
]


@pytest.mark.parametrize(
    "path, status, word", [case[1:] for case in BAD_READS], ids=[case[0] for case in BAD_READS]
)
async def test_a_bad_read_is_a_4xx_with_a_json_message_naming_the_problem(
    client, path, status, word
):
    response = await client.get(path)
    assert response.status == status
    body = await response.json()
    assert word in body["message"]
    assert body["error"] == response.reason


async def test_a_method_a_path_does_not_accept_is_a_405_that_says_which_methods_it_does(client):
    response = await client.delete("/notes")
    assert response.status == 405
    assert set(response.headers["Allow"].split(",")) >= {"GET", "POST"}
    assert "DELETE" in (await response.json())["message"]


async def test_the_longest_title_and_body_allowed_are_stored(client, auth):
    note = {"title": "t" * 100, "body": "b" * 10_000}
    response = await client.post("/notes", json=note, headers=auth)
    assert response.status == 201
    created = await response.json()
    assert (created["title"], created["body"]) == (note["title"], note["body"])


@pytest.mark.parametrize("limit", [1, 100])
async def test_a_limit_from_1_to_100_is_accepted(client, add_note, limit):
    await add_note("older")
    await add_note("newest")
    listed = await (await client.get("/notes", params={"limit": str(limit)})).json()
    assert [note["title"] for note in listed["notes"]] == ["newest", "older"][:limit]
