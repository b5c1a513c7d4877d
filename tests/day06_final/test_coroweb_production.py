"""coroweb's production layer: what day 6 adds to day 5's framework before the blog goes public.

Each check is a failure a public site meets: a body over the limit sent to a route that reads
none, %-escapes that are not text, numbers no database column holds, JSON nested to crash the
parser, a name sent twice so that two readers see two values, and HEAD requests.
"""

import asyncio

import pytest
from aiohttp import web

from tests.day05_web.fixtures import *

pytestmark = pytest.mark.production

LIMIT = 1024  # client_max_size of the small apps below: a body one byte over it is refused
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
async def echo(coroweb, serve):
    """A client of the day's app with handlers that answer with the arguments they were given."""

    @coroweb.post("/typed")
    async def typed(*, page: int = 1, ratio: float = 0.5, name: str = "anon", flag: bool = False):
        return {"page": page, "ratio": ratio, "name": name, "flag": flag}

    @coroweb.post("/tags")
    async def tags(*, tag: list[str], score: list[int] = ()):
        return {"tag": tag, "score": list(score)}

    @coroweb.post("/signup")
    async def signup(*, email, name):
        return {"email": email, "name": name}

    return await serve(typed, tags, signup)


@pytest.fixture
async def small(coroweb, aiohttp_client):
    """A bare app whose bodies may be at most LIMIT bytes, with a route that reads no body."""

    @coroweb.post("/delete/{id}")
    async def delete(id):
        return web.json_response({"deleted": id})

    @coroweb.get("/page")
    async def page():
        return web.Response(text="<p>a page</p>", content_type="text/html")

    app = web.Application(client_max_size=LIMIT)
    coroweb.add_route(app, delete)
    coroweb.add_route(app, page)
    return await aiohttp_client(app)


REFUSED = [
    pytest.param("/typed?page=" + "9" * 20, {}, "page", id="int wider than 64 bits"),
    pytest.param("/typed?page=9223372036854775808", {}, "page", id="int just over 64 bits"),
    pytest.param("/typed?page=-9223372036854775809", {}, "page", id="int just under 64 bits"),
    pytest.param("/typed", {"json": {"page": 2**63}}, "page", id="JSON int over 64 bits"),
    pytest.param("/typed?ratio=nan", {}, "ratio", id="float nan"),
    pytest.param("/typed?ratio=inf", {}, "ratio", id="float inf"),
    pytest.param("/typed?page=1&page=2", {}, "page", id="repeated in the query"),
    pytest.param(
        "/signup?email=a@b.c",
        {"json": {"email": "x@y.z", "name": "A"}},
        "email",
        id="in both the query and the body",
    ),
    pytest.param("/typed?flag=maybe", {}, "flag", id="bool neither yes nor no"),
    pytest.param("/tags?tag=a&score=x", {}, "score", id="list item not an int"),
    pytest.param("/tags", {}, "tag", id="missing list"),
    pytest.param("/typed?name=%ff%fe", {}, "name", id="query %-escapes not UTF-8"),
    pytest.param(
        "/signup",
        {"data": b"email=%ff&name=A", "headers": FORM},
        "email",
        id="form %-escapes not UTF-8",
    ),
]


@pytest.mark.parametrize("url, body, field", REFUSED)
async def test_a_value_the_production_layer_refuses_is_a_400_naming_it(echo, url, body, field):
    response = await echo.post(url, **body)
    assert response.status == 400
    answer = await response.json()
    assert (answer["error"], answer["data"]) == ("value:invalid", field)


@pytest.mark.parametrize(
    "url, body, expected",
    [
        pytest.param("/tags?tag=a", {}, {"tag": ["a"], "score": []}, id="list of one"),
        pytest.param("/tags?tag=a&tag=b", {}, {"tag": ["a", "b"], "score": []}, id="repeated"),
        pytest.param(
            "/tags?tag=a",
            {"json": {"tag": ["b", "c"], "score": [1, "2"]}},
            {"tag": ["a", "b", "c"], "score": [1, 2]},
            id="query, then a JSON list, converted",
        ),
    ],
)
async def test_a_list_parameter_gets_every_value_sent_in_order(echo, url, body, expected):
    response = await echo.post(url, **body)
    assert response.status == 200, await response.text()
    assert await response.json() == expected


@pytest.mark.parametrize(
    "sent, expected", [("true", True), ("On", True), ("0", False), ("no", False)]
)
async def test_a_bool_parameter_takes_the_words_for_yes_and_no_in_any_case(echo, sent, expected):
    response = await echo.post(f"/typed?flag={sent}")
    assert response.status == 200, await response.text()
    assert (await response.json())["flag"] is expected


@pytest.mark.parametrize("page", [-(2**63), 2**63 - 1, 0])
async def test_the_64_bit_integers_at_both_ends_are_taken(echo, page):
    for body in ({}, {"json": {"page": page}}):
        url = "/typed" if body else f"/typed?page={page}"
        response = await echo.post(url, **body)
        assert response.status == 200, await response.text()
        assert (await response.json())["page"] == page


async def test_undecodable_escapes_in_a_value_the_handler_does_not_take_are_let_be(echo):
    # A tracking tag in a link is not the blog's to judge: only the handler's own fields are.
    response = await echo.post("/typed?utm=%ff&name=Ann")
    assert response.status == 200
    assert (await response.json())["name"] == "Ann"


async def test_json_nested_deeper_than_python_recurses_is_a_400(echo):
    body = b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = await echo.post("/signup", data=body, headers=JSON)
    assert response.status == 400
    assert (await response.json())["error"] == "body:invalid"


async def test_a_body_over_the_limit_is_a_413_on_a_route_that_reads_no_body(small):
    assert (await small.post("/delete/1", data=b"x" * LIMIT)).status == 200
    response = await small.post("/delete/1", data=b"x" * (LIMIT + 1))
    assert response.status == 413


async def test_a_chunked_body_over_the_limit_is_a_413_too(small):
    async def chunks():
        for _ in range(4):
            yield b"x" * (LIMIT // 2)

    # Sent without a Content-Length: the size is known only once it is read.
    async with asyncio.timeout(10):
        response = await small.post("/delete/1", data=chunks())
    assert response.status == 413


async def test_every_get_route_answers_head_with_the_headers_and_no_body(small):
    got, head = await small.get("/page"), await small.head("/page")
    assert head.status == got.status == 200
    assert head.headers["Content-Type"] == got.headers["Content-Type"]
    assert await head.read() == b""
    assert (await small.head("/delete/1")).status == 405  # a POST route: HEAD is no GET there


@pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream", "text/xml"])
async def test_a_body_of_another_content_type_is_a_415_naming_it(echo, content_type):
    response = await echo.post("/signup", data=b"email=a", headers={"Content-Type": content_type})
    assert response.status == 415
    assert content_type in await response.text()
