"""Helpers for tests that use real sockets: a free port, a server process that is waited for,
and a TCP relay in front of the database that a test cuts, stalls or hangs up on, as a network
or a server failure would.

Shared by the days whose checks start servers or lose their database (days 1, 3, 5 and 6), and by
the benchmarks' fault injection.
"""

import asyncio
import contextlib
import socket
import subprocess
import time
import urllib.request
from urllib.parse import urlsplit

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch_while_running(server: subprocess.Popen, url: str, context=None) -> bytes:
    """GET url once the server answers; fail if the server exits or stays silent for 30 s.

    ``context``: the ``ssl.SSLContext`` for an https URL (one that trusts the test's certificate).
    """
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as response:
                return response.read()
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"the server exited: {server.stderr.read().decode()}")
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class Relay:
    """A TCP relay in front of a server (MySQL/MariaDB): the fault injector of the tests.

    Three faults, each undone: ``cut()`` is a server that went away (every connection closed,
    new ones refused) until ``start()`` listens again on the same port; ``stall()`` is a pulled
    cable (connections stay open, nothing goes through, new ones get no answer) until
    ``resume()``, after which what was held goes through; ``hang_up()`` is a restarted server
    (every connection closed, new ones welcome). Use it as ``async with Relay(host, port)``.
    """

    def __init__(self, host: str, port: int):
        self.target, self.port = (host, port), 0
        self.server: asyncio.Server | None = None
        self.flowing = asyncio.Event()
        self.flowing.set()
        self.writers: set[asyncio.StreamWriter] = set()
        self.handlers: set[asyncio.Task] = set()

    async def __aenter__(self):
        await self.start()
        return self

    def url_for(self, db_url: str) -> str:
        """``db_url`` (a mysql:// URL of the relayed server) reaching it through this relay."""
        url = urlsplit(db_url)
        login = f"{url.username}:{url.password or ''}@" if url.username else ""
        return url._replace(netloc=f"{login}127.0.0.1:{self.port}").geturl()

    async def __aexit__(self, *exc_info):
        await self.cut()

    async def start(self) -> None:
        """Listen (again, on the same port once it has one) and relay what comes."""
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """The server goes away: stop listening and close every connection."""
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
        await self.hang_up()

    def stall(self) -> None:
        """Pull the cable: connections stay open, but nothing goes through either way."""
        self.flowing.clear()

    def resume(self) -> None:
        """Put the cable back: what was held goes through, and everything after it."""
        self.flowing.set()

    async def hang_up(self) -> None:
        """Close every connection, as a restarting server does; new ones are still relayed."""
        writers, self.writers = self.writers, set()
        for writer in writers:
            writer.close()
        handlers, self.handlers = self.handlers, set()
        for handler in handlers:
            handler.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        for writer in writers:
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def _relay(self, reader, writer) -> None:
        self.handlers.add(asyncio.current_task())
        self.writers.add(writer)
        try:
            await self.flowing.wait()  # a stalled relay accepts, and says nothing
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
            self.writers.add(upstream_writer)
            await asyncio.gather(
                self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer)
            )
        except OSError:
            writer.close()  # the server behind refused: so does the relay
        except asyncio.CancelledError:
            # hang_up() ended this connection: that is this task's normal end. (Left cancelled,
            # Python 3.11's start_server asks the task for its exception and logs the error.)
            writer.close()

    async def _pipe(self, reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                await self.flowing.wait()  # stalled: the data waits, as on a pulled cable
                writer.write(data)
                await writer.drain()
        except OSError:
            pass  # the other side was cut: this copy is over
        finally:
            writer.close()
