"""Helpers for tests that use real sockets: a free port, a server process that is waited for,
and a TCP relay in front of the database that a test cuts as a network failure would.

Shared by the days whose checks start servers or lose their database (day 5 and day 6).
"""

import asyncio
import socket
import subprocess
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch_while_running(server: subprocess.Popen, url: str, headers=None, context=None) -> bytes:
    """GET url once the server answers; fail if the server exits or stays silent for 30 s.

    ``context``: the ``ssl.SSLContext`` for an https URL (one that trusts the test's certificate).
    """
    deadline = time.monotonic() + 30
    request = urllib.request.Request(url, headers=headers or {})
    while True:
        try:
            with urllib.request.urlopen(request, timeout=2, context=context) as response:
                return response.read()
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"the server exited: {server.stderr.read().decode()}")
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class Relay:
    """A TCP relay in front of the MySQL server, which the test cuts as a network failure would."""

    def __init__(self, host: str, port: int):
        self.host, self.port, self.local_port = host, port, 0
        self.server, self.writers, self.tasks = None, [], []

    async def start(self) -> None:
        self.server = await asyncio.start_server(self.relay, "127.0.0.1", self.local_port)
        self.local_port = self.server.sockets[0].getsockname()[1]

    async def relay(self, client_reader, client_writer) -> None:
        server_reader, server_writer = await asyncio.open_connection(self.host, self.port)
        self.writers += [client_writer, server_writer]
        copies = [pipe(client_reader, server_writer), pipe(server_reader, client_writer)]
        task = asyncio.gather(*copies)
        self.tasks.append(task)
        await task

    async def cut(self) -> None:
        self.server.close()
        await self.server.wait_closed()
        for writer in self.writers:
            writer.close()
        await asyncio.gather(*self.tasks)
        self.writers, self.tasks = [], []


async def pipe(reader, writer) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except OSError:
        pass  # the other side was cut: this copy is over
    finally:
        writer.close()
