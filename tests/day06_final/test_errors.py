"""When things go wrong: 403, 404, 405 and 500 pages (never a traceback), JSON errors for
scripts, a database that goes away (503, then back on its own), and the nine steps still there."""

import asyncio
import logging
import re

import pytest
from aiohttp import web

# Day 6's middlewares.py is its own: day 2's checks of the access log and day 5's of what a
# handler may return run on it.
from tests.day02.test_trace import (  # noqa: F401
    steps,
    test_the_access_log_gives_the_time_a_request_took_in_milliseconds,
    test_the_access_log_shows_a_crashed_handler_as_a_500,
)
from tests.day05_web import fixtures
from tests.day05_web import test_app as day_5
from tests.day05_web.test_app import (  # noqa: F401
    test_a_redirect_string_is_a_302_to_that_path,
    test_the_response_factory_turns_each_kind_of_return_value_into_its_response,
)

coroweb, serve, timed_client = fixtures.coroweb, fixtures.serve, day_5.timed_client


@pytest.fixture
def failing_route(workbook, day):
    """``failing_route(app, path)``: add a route to the app that fails with a bug."""
    coroweb = workbook.load(day, "coroweb")

    def add(app, path):
        @coroweb.get(path)
        async def broken():
            raise RuntimeError("secret internals: the password is hunter2")

        coroweb.add_route(app, broken)

    return add


@pytest.mark.parametrize("path", ["/broken", "/api/broken"])
async def test_a_bug_is_a_500_that_shows_no_traceback_but_logs_one(
    app, aiohttp_client, failing_route, caplog, path
):
    failing_route(app, path)
    client = await aiohttp_client(app, headers={"Accept": "text/html"})
    response = await client.get(path)
    body = await response.text()
    assert response.status == 500
    for leak in ("Traceback", "RuntimeError", "secret internals", "hunter2", ".py"):
        assert leak not in body
    if path.startswith("/api/"):
        assert (await response.json())["error"] == "server:error"
    else:
        assert response.content_type == "text/html" and "error-page" in body
    assert "Traceback" in caplog.text and "secret internals" in caplog.text


async def test_an_http_error_a_handler_raises_keeps_its_status_and_its_words(
    app, aiohttp_client, coroweb
):
    @coroweb.get("/api/refused")
    async def refused():
        raise web.HTTPBadRequest(text="the reason, in words")

    coroweb.add_route(app, refused)
    response = await (await aiohttp_client(app)).get("/api/refused")
    assert response.status == 400
    answer = await response.json()
    assert (answer["error"], answer["message"]) == ("http:400", "the reason, in words")


async def test_a_reader_on_a_management_page_gets_a_403_page(client, auth):
    await auth.as_user()
    response = await client.get("/manage/users")
    assert response.status == 403 and response.content_type == "text/html"
    html = await response.text()
    assert "Forbidden" in html and "error-page" in html and "@example.com" not in html


async def test_a_method_a_route_does_not_answer_is_a_405_naming_the_ones_it_does(client):
    response = await client.get("/api/blogs/" + "0" * 50 + "/delete")
    assert response.status == 405
    assert response.headers["Allow"] == "POST"
    assert (await response.json())["error"] == "http:405"


@pytest.mark.parametrize("accept", ["*/*", "application/json", None])
async def test_scripts_get_errors_as_json_even_outside_the_api(client, accept):
    headers = {"Accept": accept} if accept else {"Accept": ""}
    response = await client.get("/blog/no-such-article", headers=headers)
    assert response.status == 404
    answer = await response.json()
    assert (answer["error"], answer["data"]) == ("value:notfound", "blog")


async def test_an_api_path_always_answers_json(client):
    response = await client.get("/api/no-such-thing")  # the client says Accept: text/html
    assert response.status == 404
    assert (await response.json())["error"] == "http:404"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "head",
    [
        b"GET /?" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nCookie: " + b"c" * 10_000 + b"\r\n\r\n",
        b"POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    ],
    ids=["long URL", "long header", "bad length"],
)
async def test_a_request_too_broken_to_parse_is_a_400_logged_in_one_line(client, caplog, head):
    caplog.set_level(logging.INFO)
    reader, writer = await asyncio.open_connection(client.host, client.port)
    try:
        writer.write(head)
        await writer.drain()
        async with asyncio.timeout(5):
            status_line = await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()
    assert status_line.split()[1] == b"400"
    [entry] = [e for e in caplog.records if e.name == "aiohttp.server"]
    assert entry.levelno == logging.WARNING and entry.exc_info is None
    assert "Traceback" not in caplog.text and "\n" not in entry.getMessage()
    assert (await client.get("/")).status == 200  # and the blog goes on


# --- the database goes away ---------------------------------------------------------------


@pytest.mark.mysql
@pytest.mark.parametrize("db_url", ["mysql"], indirect=True)
async def test_a_database_that_goes_away_is_a_quick_503_and_the_blog_recovers_by_itself(relayed):
    relay, client, _ = relayed
    html = {"Accept": "text/html"}  # pages, as a browser asks for them
    assert (await client.get("/", headers=html)).status == 200
    await relay.cut()
    async with asyncio.timeout(10):  # seconds, not a hang
        page = await client.get("/", headers=html)
        api = await client.get("/api/blogs", headers=html)
    assert (page.status, api.status) == (503, 503)
    assert page.content_type == "text/html"
    assert "database cannot be reached" in await page.text()
    assert (await api.json())["error"] == "database:unavailable"
    await relay.start()  # on the same port: the database is back
    assert (await client.get("/", headers=html)).status == 200
    assert (await client.get("/api/blogs", headers=html)).status == 200


# --- the nine steps -----------------------------------------------------------------------


async def test_a_page_walks_the_nine_steps_with_the_blog_s_middlewares_at_step_3(client, auth):
    await auth.as_user()
    response = await client.get("/")
    numbers = [n for n, _ in steps(response)]
    assert numbers == sorted(numbers) and set(numbers) == set(range(1, 10))
    # auth asks the database who is signed in, and whether their sessions still count, while
    # the middlewares work: step 3 too.
    step_3 = [who for n, who in steps(response) if n == 3]
    assert step_3 == ["access_log", "errors", "auth", "orm", "orm", "response_factory"]
    assert {who for n, who in steps(response) if n == 6} == {"orm"}


async def test_a_refused_request_is_traced_to_its_error_response(client):
    response = await client.get("/manage/blogs/create", allow_redirects=False)
    assert response.status == 302
    numbers = [n for n, _ in steps(response)]
    assert numbers == sorted(numbers)
    assert {1, 2, 3, 9} <= set(numbers) and 5 not in numbers  # the handler never ran


async def test_the_server_log_shows_each_step_and_the_status(client, caplog):
    caplog.set_level(logging.INFO)
    await client.get("/api/blogs?page=1")
    assert re.search(r"^\s+4 RequestHandler\s+api_blogs\(page=1\)", caplog.text, re.M)
    assert re.search(r"^\s+6 orm\s+SELECT", caplog.text, re.M | re.I)
    assert re.search(r"GET /api/blogs\?page=1 200 \d+\.\d+ ms", caplog.text)
