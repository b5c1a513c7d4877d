"""The write route needs ``Authorization: Bearer <token>``; reading needs nothing."""

import asyncio
import json
import os
import re
import select
import subprocess
import urllib.request

import pytest

from tests.day02.conftest import TOKEN
from tests.network import fetch_while_running, free_port


async def test_creating_a_note_without_a_token_is_401_with_a_bearer_challenge(client):
    response = await client.post("/notes", json={"title": "sneaky"})
    assert response.status == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "Authorization" in (await response.json())["message"]


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer wrong-token",
        f"Bearer {TOKEN}x",
        f"Basic {TOKEN}",
        f"Token {TOKEN}",
        "Bearer",
        TOKEN,
        "Bearer  ",
    ],
)
async def test_any_other_authorization_is_401_and_creates_nothing(client, authorization):
    response = await client.post(
        "/notes", json={"title": "sneaky"}, headers={"Authorization": authorization}
    )
    assert response.status == 401
    assert (await (await client.get("/notes")).json())["notes"] == []


async def test_a_token_of_bytes_that_are_not_utf8_is_401_not_a_crash(client):
    # aiohttp's client will not send such a header, so write the request by hand.
    reader, writer = await asyncio.open_connection(client.host, client.port)
    writer.write(
        b"POST /notes HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer \xff\xfe\r\n"
        b"Content-Length: 0\r\nConnection: close\r\n\r\n"
    )
    status_line = await reader.readline()
    writer.close()
    await writer.wait_closed()
    assert status_line.startswith(b"HTTP/1.1 401 ")


async def test_the_bearer_scheme_is_case_insensitive(client):
    response = await client.post(
        "/notes", json={"title": "ok"}, headers={"Authorization": f"bearer {TOKEN}"}
    )
    assert response.status == 201


@pytest.mark.parametrize("path", ["/", "/notes", "/notes/1"])
async def test_reading_needs_no_token(client, add_note, path):
    await add_note()
    response = await client.get(path)
    assert response.status == 200


async def test_the_token_can_come_from_the_notes_token_environment_variable(
    aiohttp_client, workbook, day, monkeypatch
):
    monkeypatch.setenv("NOTES_TOKEN", "from-the-environment")
    client = await aiohttp_client(workbook.load(day, "app").create_app())
    headers = {"Authorization": "Bearer from-the-environment"}
    response = await client.post("/notes", json={"title": "t"}, headers=headers)
    assert response.status == 201


def post_with_the_token_printed_at_start(
    workbook, day, *command: str, port_last: bool = False
) -> tuple[int, int]:
    """Start ``python -m <day> --port P *command`` (``*command --port P`` with ``port_last``, for
    a command that takes the port itself) with no NOTES_TOKEN, read the token it prints, post a
    note with it, stop the server: (the POST's status, the server's exit status)."""
    port = free_port()
    port_option = ("--port", str(port))
    url = f"http://127.0.0.1:{port}"
    # No NOTES_TOKEN, so a random token is printed; no PYTHONUNBUFFERED, as for most users.
    unset = ("NOTES_TOKEN", "PYTHONUNBUFFERED")
    env = {name: value for name, value in os.environ.items() if name not in unset}
    with subprocess.Popen(
        workbook.command(day, *(command + port_option if port_last else port_option + command)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
        env=env,
    ) as server:
        try:
            fetch_while_running(server, f"{url}/")
            # The token is printed before the server starts: by now it must be out, not
            # waiting in a buffer until the process ends.
            printed = (
                server.stdout.readline() if select.select([server.stdout], [], [], 5)[0] else b""
            )
            found = re.search(rb"Bearer ([\w-]+)", printed)
            assert found, f"no token printed: {printed!r}"
            request = urllib.request.Request(
                f"{url}/notes",
                data=json.dumps({"title": "with the printed token"}).encode(),
                headers={
                    "Authorization": f"Bearer {found[1].decode()}",
                    "Content-Type": "application/json",
                },
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                status = response.status
        finally:
            server.terminate()
            server.communicate(timeout=20)
    return status, server.returncode


def test_the_token_printed_when_the_server_starts_lets_a_note_be_posted(workbook, day):
    # run_app turns SIGTERM into a clean shutdown, so the server then exits with status 0.
    assert post_with_the_token_printed_at_start(workbook, day) == (201, 0)
