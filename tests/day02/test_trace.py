"""The nine steps of the HTTP cycle are visible: every response carries them in ``X-Trace``
(``<step> <who>`` pairs separated by ``;``), and the server logs them with their details."""

import asyncio
import logging
import re
import time

import pytest
from aiohttp import web

from tests.day02.conftest import TOKEN


def steps(response) -> list[tuple[int, str]]:
    """The X-Trace header as (step number, who) pairs."""
    pairs = [part.strip().split(" ", 1) for part in response.headers["X-Trace"].split(";")]
    return [(int(number), who) for number, who in pairs]


@pytest.mark.parametrize(
    "path, handler", [("/", "index"), ("/notes", "list_notes"), ("/notes/1", "get_note")]
)
async def test_each_read_walks_through_all_nine_steps_in_order(client, add_note, path, handler):
    await add_note()
    trace = steps(await client.get(path))
    numbers = [n for n, _ in trace]
    assert numbers == sorted(numbers)
    assert set(numbers) == set(range(1, 10))
    # Steps 4 and 5 (reading the parameters, the logic) are the route's own handler's.
    assert {who for n, who in trace if n in (4, 5)} == {handler}


async def test_creating_a_note_walks_through_all_nine_steps_in_order(client, auth):
    response = await client.post("/notes", json={"title": "traced"}, headers=auth)
    numbers = [n for n, _ in steps(response)]
    assert numbers == sorted(numbers)
    assert set(numbers) == set(range(1, 10))


async def test_step_3_is_recorded_by_the_middlewares_the_request_passes(client):
    response = await client.get("/notes")
    step_3 = [who for n, who in steps(response) if n == 3]
    # In the order create_app lists them: the outermost sees the request first.
    assert step_3 == ["access_log", "errors", "require_token"]


async def test_an_error_from_the_handler_is_still_traced_to_the_response(client):
    response = await client.get("/notes/404")
    assert response.status == 404
    numbers = [n for n, _ in steps(response)]
    assert numbers == sorted(numbers)
    # The handler ran (4, 5) and asked the store (6), but returned no data (no 7).
    assert {1, 2, 3, 4, 6, 8, 9} <= set(numbers) and 7 not in numbers


async def test_a_path_with_no_route_skips_the_handler_steps(client):
    numbers = [n for n, _ in steps(await client.get("/no/such/page"))]
    assert {1, 2, 8, 9} <= set(numbers)
    assert not {4, 5, 6, 7} & set(numbers)


async def test_the_server_log_shows_the_nine_steps_of_a_request(client, add_note, caplog):
    note = await add_note()
    caplog.set_level(logging.INFO)
    await client.get(f"/notes/{note['id']}")
    log = caplog.text
    assert f"GET /notes/{note['id']}" in log
    for number in range(1, 10):
        assert re.search(rf"^\s+{number} \S", log, re.M), f"step {number} is not in the log"


async def test_the_log_says_whether_the_store_found_the_note(client, add_note, caplog):
    note = await add_note()
    caplog.set_level(logging.INFO)
    await client.get(f"/notes/{note['id']}")
    await client.get("/notes/99")
    step_6 = re.findall(r"^\s+6 store\s+(.*)$", caplog.text, re.M)
    assert len(step_6) == 2, caplog.text
    assert step_6[0].endswith("found") and not step_6[1].endswith("found"), step_6


async def test_the_log_counts_notes_in_english(client, add_note, caplog):
    caplog.set_level(logging.INFO)
    await client.get("/notes")
    assert re.search(r"-> 0 notes$", caplog.text, re.M), caplog.text
    await add_note()
    await client.get("/notes")
    assert re.search(r"-> 1 note$", caplog.text, re.M), caplog.text
    await add_note()
    await client.get("/notes")
    assert re.search(r"-> 2 notes$", caplog.text, re.M), caplog.text


async def test_the_steps_stay_in_the_header_when_the_log_leaves_them_out(client, add_note, caplog):
    note = await add_note()
    caplog.set_level(logging.WARNING)
    response = await client.get(f"/notes/{note['id']}")
    assert {n for n, _ in steps(response)} == set(range(1, 10))
    assert not re.search(r"^\s+1 client", caplog.text, re.M)


@pytest.mark.parametrize(
    "path, status", [("/notes", 200), ("/notes/abc", 400), ("/no/such/page", 404)]
)
async def test_the_access_log_has_method_path_status_and_milliseconds(client, caplog, path, status):
    caplog.set_level(logging.INFO)
    await client.get(path)
    assert re.search(rf"GET {re.escape(path)} {status} \d+\.\d+ ms", caplog.text)


async def test_the_log_says_whether_require_token_checked_a_token(client, auth, caplog):
    caplog.set_level(logging.INFO)
    await client.get("/notes")
    assert re.search(r"^\s+3 require_token\s+no token needed$", caplog.text, re.M), caplog.text
    caplog.clear()
    await client.post("/notes", json={"title": "t"}, headers=auth)
    assert re.search(r"^\s+3 require_token\s+token accepted$", caplog.text, re.M), caplog.text


@pytest.fixture
async def timed_client(aiohttp_client, workbook, day):
    """A client for the notes app with two more routes: /slow takes 0.2 s, /broken crashes."""

    async def slow(request):
        await asyncio.sleep(0.2)
        return web.Response(text="slow")

    async def broken(request):
        raise RuntimeError("a bug in a handler")

    app = workbook.load(day, "app").create_app(token=TOKEN)
    app.router.add_get("/slow", slow)
    app.router.add_get("/broken", broken)
    return await aiohttp_client(app)


async def test_the_access_log_gives_the_time_a_request_took_in_milliseconds(timed_client, caplog):
    caplog.set_level(logging.INFO)
    started = time.perf_counter()
    await timed_client.get("/slow")
    took = (time.perf_counter() - started) * 1000
    (logged,) = re.findall(r"GET /slow 200 (\d+\.\d+) ms", caplog.text)
    # At least the 200 ms the handler slept (less a timer's tolerance), at most what the
    # client waited in all.
    assert 190 <= float(logged) <= took


async def test_the_access_log_shows_a_crashed_handler_as_a_500(timed_client, caplog):
    caplog.set_level(logging.INFO)
    response = await timed_client.get("/broken")
    assert response.status == 500
    assert re.search(r"GET /broken 500 \d+\.\d+ ms", caplog.text), caplog.text
