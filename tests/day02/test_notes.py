"""The notes app does what its routes promise: create from JSON or a form, read, list, search."""

import re
import socket
import subprocess

import aiohttp
import pytest

# Day 2's __main__.py is its own (it prints the token, then serves, or runs doctor): day 1's
# checks of the command line are checks of day 2's own work too.
from tests.day01.test_cli import (  # noqa: F401
    test_doctor_fails_on_a_database_url_the_course_cannot_use,
    test_importing_the_command_module_runs_no_command,
    test_python_m_day_listens_on_port_9000_when_no_port_is_given,
)
from tests.network import fetch_while_running, free_port


async def test_a_note_created_from_json_answers_201_with_its_location_and_fields(client, auth):
    response = await client.post("/notes", json={"title": "First", "body": "Hello"}, headers=auth)
    assert response.status == 201
    note = await response.json()
    assert (note["title"], note["body"]) == ("First", "Hello")
    assert isinstance(note["id"], int)
    assert response.headers["Location"] == f"/notes/{note['id']}"


async def test_a_note_created_from_a_form_redirects_with_303_to_the_new_note(client, auth):
    response = await client.post(
        "/notes",
        data={"title": "From a form", "body": "posted"},
        headers=auth,
        allow_redirects=False,
    )
    assert response.status == 303
    # Following the redirect is a GET of the new note: the form is not posted twice.
    note = await (await client.get(response.headers["Location"])).json()
    assert (note["title"], note["body"]) == ("From a form", "posted")


async def test_a_multipart_form_creates_a_note_as_well(client, auth):
    form = aiohttp.FormData({"title": "Multipart"}, default_to_multipart=True)
    response = await client.post("/notes", data=form, headers=auth, allow_redirects=False)
    assert response.status == 303
    note = await (await client.get(response.headers["Location"])).json()
    assert note["title"] == "Multipart"


async def test_a_note_reads_back_by_its_id(client, add_note):
    created = await add_note("Read me", "the body")
    response = await client.get(f"/notes/{created['id']}")
    assert response.status == 200
    assert response.content_type == "application/json"
    assert await response.json() == created


async def test_the_body_is_optional_and_spaces_around_the_fields_are_trimmed(client, auth):
    response = await client.post("/notes", json={"title": "  Only a title  "}, headers=auth)
    assert response.status == 201
    note = await response.json()
    assert (note["title"], note["body"]) == ("Only a title", "")


async def test_text_in_any_language_survives_the_round_trip(client, add_note):
    created = await add_note("你好, мир 🌍", "naïve café")
    note = await (await client.get(f"/notes/{created['id']}")).json()
    assert (note["title"], note["body"]) == ("你好, мир 🌍", "naïve café")


async def test_notes_are_listed_newest_first(client, add_note):
    for title in ("one", "two", "three"):
        await add_note(title)
    listed = await (await client.get("/notes")).json()
    assert [note["title"] for note in listed["notes"]] == ["three", "two", "one"]


async def test_q_keeps_the_notes_containing_the_text_in_title_or_body_in_any_case(client, add_note):
    await add_note("Cats", "they purr")
    await add_note("Dogs", "they bark")
    await add_note("Birds", "PURRING? no, singing")
    listed = await (await client.get("/notes", params={"q": "purr"})).json()
    assert [note["title"] for note in listed["notes"]] == ["Birds", "Cats"]


async def test_limit_caps_how_many_notes_are_listed(client, add_note):
    for n in range(5):
        await add_note(f"note {n}")
    listed = await (await client.get("/notes", params={"limit": "2"})).json()
    assert [note["title"] for note in listed["notes"]] == ["note 4", "note 3"]


async def test_the_home_page_lists_note_titles_escaped_never_as_markup(client, add_note):
    await add_note("<script>alert(1)</script>")
    response = await client.get("/")
    page = await response.text()
    assert response.content_type == "text/html"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page


async def test_the_home_page_lists_the_10_newest_notes_and_every_route(client, add_note):
    for n in range(11):
        await add_note(f"note {n}")
    page = await (await client.get("/")).text()
    assert {int(n) for n in re.findall(r"note (\d+)\b", page)} == set(range(1, 11))
    routes = set(re.findall(r"\b(GET|HEAD|POST) (/[^\s<]*)", page))
    assert routes == {("GET", "/"), ("GET", "/notes"), ("POST", "/notes"), ("GET", "/notes/{id}")}


async def test_the_home_page_writes_an_ipv6_address_in_brackets(aiohttp_client, workbook, day):
    if not socket.has_ipv6:
        pytest.skip("this machine has no IPv6")
    app = workbook.load(day, "app").create_app(token="t")
    client = await aiohttp_client(app, server_kwargs={"host": "::1"})
    page = await (await client.get("/")).text()
    assert f"curl -i http://[::1]:{client.port}/notes" in page


def test_the_home_page_shows_the_port_the_server_was_started_on(workbook, day):
    port = free_port()
    command = workbook.command(day, "--port", str(port))
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as server:
        try:
            page = fetch_while_running(server, f"http://127.0.0.1:{port}/").decode()
        finally:
            server.terminate()
            server.communicate(timeout=10)
    assert f"curl -i http://127.0.0.1:{port}/notes" in page


async def test_each_app_has_a_store_of_its_own(aiohttp_client, workbook, day, add_note):
    await add_note("only in the first app")
    other = await aiohttp_client(workbook.load(day, "app").create_app(token="another"))
    listed = await (await other.get("/notes")).json()
    assert listed["notes"] == []
