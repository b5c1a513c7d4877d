"""The app: the response factory turns every kind of return value into the right response,
Jinja2 escapes and dates, and the server's log shows each request's nine steps."""

import asyncio
import logging
import re
import time

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

# The access log is day 2's, in day 5's middlewares.py: day 2's checks of it run on day 5's app.
from tests.day02.test_trace import (  # noqa: F401
    steps,
    test_the_access_log_gives_the_time_a_request_took_in_milliseconds,
    test_the_access_log_shows_a_crashed_handler_as_a_500,
)
from tests.day05_web.fixtures import *


def made_by_hand() -> web.Response:
    """A new response each time: aiohttp sends a Response object once only."""
    return web.Response(text="made by hand", status=201, headers={"X-Made": "by hand"})


RETURNS = [
    # (what the handler returns, status, content type, body)
    pytest.param(made_by_hand, 201, "text/plain", b"made by hand", id="a response, as it is"),
    pytest.param(b"\x00\xffraw", 200, "application/octet-stream", b"\x00\xffraw", id="bytes"),
    pytest.param("<p>héllo</p>", 200, "text/html", "<p>héllo</p>".encode(), id="str as HTML"),
    pytest.param({"name": "博客 ✓", "n": 1}, 200, "application/json", None, id="dict as JSON"),
    pytest.param(204, 204, None, b"", id="int as a status"),
    pytest.param((418, "I'm a teapot"), 418, "text/plain", b"I'm a teapot", id="(status, text)"),
]


@pytest.mark.parametrize("value, status, content_type, body", RETURNS)
async def test_the_response_factory_turns_each_kind_of_return_value_into_its_response(
    coroweb, serve, value, status, content_type, body
):
    @coroweb.get("/returns")
    async def returns():
        return value() if value is made_by_hand else value

    response = await (await serve(returns)).get("/returns")
    assert response.status == status
    if content_type:
        assert response.content_type == content_type
    if body is not None:
        assert await response.read() == body


async def test_a_redirect_string_is_a_302_to_that_path(coroweb, serve):
    @coroweb.get("/old")
    async def old():
        return "redirect:/new?from=old"

    response = await (await serve(old)).get("/old", allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"] == "/new?from=old"


async def test_json_answers_are_utf8_not_ascii_escaped(coroweb, serve):
    @coroweb.get("/api/name")
    async def name():
        return {"name": "博客 ✓"}

    response = await (await serve(name)).get("/api/name")
    assert response.charset == "utf-8"
    assert "博客 ✓".encode() in await response.read()
    assert await response.json() == {"name": "博客 ✓"}


async def test_a_dict_with_a_template_is_rendered_escaped_with_its_values(coroweb, serve):
    blog = {
        "id": "b1",
        "name": "<script>alert(1)</script>",
        "user_name": "Ann",
        "summary": "Summary & more",
        "content": "Text",
        "created_at": time.time() - 3 * 3600 - 60,
    }

    @coroweb.get("/page")
    async def page():
        return {"__template__": "blog.html", "blog": blog}

    response = await (await serve(page)).get("/page")
    html = await response.text()
    assert response.status == 200 and response.content_type == "text/html"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "Summary &amp; more" in html
    assert "3 hours ago" in html


async def test_a_return_value_the_factory_does_not_know_is_a_server_error(coroweb, serve):
    # Forgetting to return is a bug: it must not pass for an empty page.
    @coroweb.get("/forgot")
    async def forgot():
        pass

    response = await (await serve(forgot)).get("/forgot")
    assert response.status == 500


@pytest.mark.parametrize(
    "seconds_ago, expected",
    [
        (5, "just now"),
        (61, "1 minute ago"),
        (45 * 60, "45 minutes ago"),
        (3600 + 60, "1 hour ago"),
        (3 * 3600 + 60, "3 hours ago"),
        (86400 + 60, "1 day ago"),
        (2 * 86400 + 60, "2 days ago"),
        # Half a second either side of each unit's edge: a minute, an hour, a day, a week.
        (59.5, "just now"),
        (60.5, "1 minute ago"),
        (3599.5, "59 minutes ago"),
        (3600.5, "1 hour ago"),
        (86399.5, "23 hours ago"),
        (86400.5, "1 day ago"),
        (604799.5, "6 days ago"),
    ],
)
def test_the_datetime_filter_says_how_long_ago(workbook, day, seconds_ago, expected):
    datetime_filter = workbook.load(day, "app").datetime_filter
    assert datetime_filter(time.time() - seconds_ago) == expected


def test_the_datetime_filter_gives_a_date_for_older_times(workbook, day):
    datetime_filter = workbook.load(day, "app").datetime_filter
    # Noon UTC on 14 March 2021: that date in every time zone from UTC-11 to UTC+11.
    assert datetime_filter(1615723200.0) == "2021-03-14"
    # A week ago, to the second, is a date too.
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", datetime_filter(time.time() - 604800.5))


# --- the nine steps, carried from day 2 ----------------------------------------------------


async def test_a_page_walks_the_nine_steps_in_order_with_its_sql_at_step_6(serve):
    client = await serve()
    response = await client.get("/")
    numbers = [n for n, _ in steps(response)]
    assert numbers == sorted(numbers)
    assert set(numbers) == set(range(1, 10))
    # Who records each step, as the README tells it: every statement of the ORM is a 6.
    assert [step for step in steps(response) if step[0] != 6] == [
        (1, "client"),
        (2, "router"),
        (3, "access_log"),
        (3, "response_factory"),
        (4, "RequestHandler"),
        (5, "index"),
        (7, "index"),
        (8, "response_factory"),
        (9, "server"),
    ]
    assert {who for n, who in steps(response) if n == 6} == {"orm"}


async def test_a_path_with_no_route_is_traced_by_the_router_and_skips_the_handler_steps(serve):
    response = await (await serve()).get("/no/such/page")
    assert response.status == 404
    assert steps(response) == [
        (1, "client"),
        (2, "router"),
        (3, "access_log"),
        (3, "response_factory"),
        (9, "server"),
    ]


def test_record_notes_a_step_7_only_after_a_step_5(workbook, day):
    tracing = workbook.load(day, "tracing")
    request = make_mocked_request("GET", "/")
    request[tracing.TRACE] = [
        tracing.Step(4, "RequestHandler", "refused"),
        tracing.Step(6, "orm", ""),
    ]
    tracing.record(request, 7, "handler", "raised")  # no controller ran: not noted
    assert [step.number for step in request[tracing.TRACE]] == [4, 6]
    tracing.record(request, 5, "handler", "the controller runs")
    tracing.record(request, 7, "handler", "returned")
    assert [step.number for step in request[tracing.TRACE]] == [4, 6, 5, 7]


async def test_step_4_shows_every_argument_the_handler_gets_but_the_request(coroweb, serve, caplog):
    @coroweb.get("/api/tagged/{id}")
    async def tagged(request, id, *, tag, page: int = 1):
        return {"id": id}

    client = await serve(tagged)
    caplog.set_level(logging.INFO)
    assert (await client.get("/api/tagged/7?tag=news&page=2")).status == 200
    assert re.search(
        r"^\s+4 RequestHandler\s+tagged\(id='7', tag='news', page=2\)$", caplog.text, re.M
    )


async def test_an_api_error_is_traced_from_the_handler_to_the_response(serve):
    response = await (await serve()).get("/api/blogs?limit=0")
    assert response.status == 400
    numbers = [n for n, _ in steps(response)]
    # The controller ran (5) and raised before asking the database (no 6).
    assert numbers == sorted(numbers)
    assert {1, 2, 3, 4, 5, 7, 8, 9} <= set(numbers) and 6 not in numbers


async def test_the_server_log_shows_each_step_and_the_sql_the_page_ran(serve, caplog):
    client = await serve()
    caplog.set_level(logging.INFO)
    await client.get("/api/blogs?limit=5")
    assert re.search(r"^\s+4 RequestHandler\s+api_blogs\(limit=5\)", caplog.text, re.M)
    assert re.search(r"^\s+6 orm\s+SELECT", caplog.text, re.M | re.I)
    assert re.search(r"GET /api/blogs\?limit=5 200 \d+\.\d+ ms", caplog.text)


async def test_the_log_shows_a_refused_limit_at_step_4_not_as_the_handler_s_error(serve, caplog):
    client = await serve()
    caplog.set_level(logging.INFO)
    response = await client.get("/api/blogs?limit=abc")
    assert response.status == 400
    refused = r"^\s+4 RequestHandler\s+.*\bapi_blogs\b.*\blimit\b.*expected a whole number"
    assert re.search(refused, caplog.text, re.M)
    # api_blogs never ran: it neither returned nor raised anything (no step 7).
    assert not re.search(r"^\s+[57] api_blogs", caplog.text, re.M)


@pytest.fixture
async def timed_client(coroweb, serve):
    """The day's site with two more handlers: /slow takes 0.2 s, /broken crashes (day 2's
    access-log checks, imported above, use it)."""

    @coroweb.get("/slow")
    async def slow():
        await asyncio.sleep(0.2)
        return "slow"

    @coroweb.get("/broken")
    async def broken():
        raise RuntimeError("a bug in a handler")

    return await serve(slow, broken)


@pytest.mark.parametrize(
    "method, path, status", [("GET", "/no/such/page", 404), ("POST", "/api/blogs", 405)]
)
async def test_the_access_log_gives_the_router_s_refusals_their_status(
    serve, caplog, method, path, status
):
    client = await serve()
    caplog.set_level(logging.INFO)
    assert (await client.request(method, path)).status == status
    assert re.search(rf"{method} {path} {status} \d+\.\d+ ms", caplog.text), caplog.text
