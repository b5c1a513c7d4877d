"""Reliability under load: readers, sign-ins and comments at once, and the database cut off in
the middle of it.

The load runs in this process, against the blog in a process of its own, by virtual readers
that each registered an account: they read the home page, articles and the API, sign in now
and then (one time in four with a wrong password: a 401 is the right answer there), and
comment. Each comment carries an Idempotency-Key, as the blog's comment form does, and one that
got no answer or a 503 is sent again, with the same key, as the reader's next comment. On
MariaDB the blog reaches the database through the relay of tests/network.py, which cuts it (the
server goes away) and stalls it (a pulled cable) for a few seconds each. Afterwards the
database itself is asked whether every comment the blog acknowledged is there, and none twice.
"""

import asyncio
import collections
import random
import secrets
import time
from dataclasses import dataclass, field

import aiohttp

from tests.network import Relay

from .databases import article_ids, mysql_login, query, seed
from .servers import Server

PASSWORD = "a load-test password"
POSTS = 1000  # articles seeded, as for the page measurements
# The blog's comment limit is a guard for one person (5 a minute by default, then 429). Here a
# few accounts play a crowd: each virtual reader posts hundreds of comments a minute. The blog
# under load is started with a limit none of them reaches, so that every comment is written
# and counted, and the limit's own query is still part of the cost of each one.
COMMENTS_PER_MINUTE = 1_000_000
# What a virtual reader does next, and how often (the weights add up to 100).
ACTIONS = {"home": 40, "article": 30, "api": 15, "comment": 13, "sign-in": 2}


@dataclass
class Answer:
    kind: str
    sent: float  # seconds since the load began
    done: float
    status: int  # 0: no answer (a socket error or a timeout)


@dataclass
class Fault:
    kind: str  # "cut": the server went away; "stall": a pulled cable
    start: float
    end: float


@dataclass
class Run:
    """What a load run saw, and what the database holds afterwards."""

    seconds: float
    readers: int
    token: str  # in every comment's text, to find this run's comments in the database
    answers: list[Answer] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)  # comments answered with a 2xx
    unacknowledged: set[str] = field(default_factory=set)  # comments answered otherwise
    resent: int = 0  # comments sent again, with their key, after no answer or a 503
    faults: list[Fault] = field(default_factory=list)
    stored: collections.Counter = field(default_factory=collections.Counter)  # text -> rows

    def statuses(self) -> collections.Counter:
        return collections.Counter(answer.status for answer in self.answers)

    def server_errors(self, answers=None) -> int:
        return sum(1 for a in (self.answers if answers is None else answers) if a.status >= 500)

    def lost(self) -> set[str]:
        """Comments acknowledged with a 2xx that the database does not hold."""
        return self.acknowledged - self.stored.keys()

    def unknown(self) -> set[str]:
        """Comments in the database that were never sent whole: half-written ones."""
        return self.stored.keys() - self.acknowledged - self.unacknowledged

    def twice(self) -> set[str]:
        """Comments stored more than once: a retry that its key did not catch."""
        return {text for text, rows in self.stored.items() if rows > 1}

    def during(self, fault: Fault) -> list[Answer]:
        """Answers to requests that were under way at some moment of the fault."""
        return [a for a in self.answers if a.sent < fault.end and a.done >= fault.start]

    def recovery_seconds(self, fault: Fault) -> float | None:
        """From the end of the fault to the first 2xx answer after it."""
        times = [a.done for a in self.answers if a.done >= fault.end and 200 <= a.status < 300]
        return min(times) - fault.end if times else None

    def outside_faults(self) -> list[Answer]:
        """Answers neither during a fault nor before the blog had recovered from it."""
        windows = [(f.start, f.end + (self.recovery_seconds(f) or 0)) for f in self.faults]
        return [a for a in self.answers if not any(s <= a.done <= e for s, e in windows)]


class Reader:
    """One virtual reader with an account of their own and a session cookie."""

    def __init__(self, base_url: str, number: int, token: str, ids: list[str], run: Run):
        self.number, self.ids, self.run = number, ids, run
        self.email = f"load-{token}-{number}@example.com"
        self.token, self.comments = token, 0
        self.unanswered = None  # (text, key, article) of a comment to send again
        self.random = random.Random(number)
        # unsafe=True: keep cookies from an IP address (127.0.0.1), as a browser does.
        self.session = aiohttp.ClientSession(
            base_url,
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            timeout=aiohttp.ClientTimeout(total=30),
        )

    async def register(self) -> None:
        account = {"name": f"Reader {self.number}", "email": self.email, "password": PASSWORD}
        async with self.session.post("/api/users", json=account) as response:
            response.raise_for_status()

    async def read_and_write(self, began: float, until: float) -> None:
        kinds, weights = list(ACTIONS), list(ACTIONS.values())
        while time.monotonic() < until:
            kind = self.random.choices(kinds, weights)[0]
            await self.act(kind, began)

    async def act(self, kind: str, began: float) -> None:
        method, body, text, headers = "GET", None, None, None
        page = self.random.randint(1, 100)
        if kind == "home":
            path = f"/?page={page}"
        elif kind == "article":
            path = f"/blog/{self.random.choice(self.ids)}"
        elif kind == "api":
            path = f"/api/blogs?page={page}"
        elif kind == "comment":
            if self.unanswered is None:
                self.comments += 1
                text = f"load {self.token} {self.number}-{self.comments} 💬"
                key = secrets.token_urlsafe(16)
                self.unanswered = (text, key, self.random.choice(self.ids))
            else:
                self.run.resent += 1
            text, key, blog_id = self.unanswered
            headers = {"Idempotency-Key": key}
            method, path, body = "POST", f"/api/blogs/{blog_id}/comments", {"content": text}
        else:
            wrong = self.random.random() < 0.25
            password = "not the password" if wrong else PASSWORD
            method, path, body = (
                "POST",
                "/api/authenticate",
                {"email": self.email, "password": password},
            )
        sent = time.monotonic() - began
        try:
            request = self.session.request(method, path, json=body, headers=headers)
            async with request as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        self.run.answers.append(Answer(kind, sent, time.monotonic() - began, status))
        if text is not None:
            if 200 <= status < 300:
                self.run.acknowledged.add(text)
                self.run.unacknowledged.discard(text)
            else:
                self.run.unacknowledged.add(text)
            if status not in (0, 503):  # answered: nothing to send again
                self.unanswered = None

    async def close(self) -> None:
        await self.session.close()


async def load(base_url: str, ids: list[str], seconds: float, readers: int, faults=None) -> Run:
    """``readers`` virtual readers for ``seconds``; ``faults(run, began)`` runs alongside."""
    run = Run(seconds, readers, secrets.token_hex(3))
    crowd = [Reader(base_url, n, run.token, ids, run) for n in range(readers)]
    try:
        await asyncio.gather(*(reader.register() for reader in crowd))
        began = time.monotonic()
        work = [reader.read_and_write(began, began + seconds) for reader in crowd]
        if faults is not None:
            work.append(faults(run, began))
        await asyncio.gather(*work)
    finally:
        await asyncio.gather(*(reader.close() for reader in crowd))
    return run


def stored_comments(db_url: str, run: Run) -> collections.Counter:
    """This run's comments, as the database holds them: each text and its number of rows."""
    sql = "SELECT content FROM comments WHERE content LIKE ?"
    return collections.Counter(row[0] for row in query(db_url, sql, (f"load {run.token} %",)))


async def served(server: Server, work):
    """Start ``server`` (in a thread: the relay may live on this event loop), then ``work``."""
    await asyncio.to_thread(server.start)
    try:
        return await work(f"http://127.0.0.1:{server.port}")
    finally:
        await asyncio.to_thread(server.stop)


async def load_the_blog(
    name: str, db_url: str, seconds: float, readers: int, folder, env, *, via=None, faults=None
) -> Run:
    """Seed ``db_url``, serve the blog on it (through ``via``, another URL of the same
    database, if given), load it with readers and ``faults``, then count what was stored."""
    seed(db_url, POSTS, env)
    ids = article_ids(db_url)
    argv = ("day06_final", "serve", "--db", via or db_url, "--port", "{port}")
    env = {**env, "BLOG_COMMENTS_PER_MINUTE": str(COMMENTS_PER_MINUTE)}
    server = Server.module(name, *argv, log_dir=folder, env=env)
    run = await served(server, lambda base: load(base, ids, seconds, readers, faults))
    run.stored = stored_comments(db_url, run)
    return run


async def mixed_load(db_url: str, seconds: float, readers: int, folder, env) -> Run:
    """The mixed load on a freshly seeded database, with no fault."""
    return await load_the_blog("blog-mixed", db_url, seconds, readers, folder, env)


async def faults_under_load(
    db_url: str, seconds: float, fault_seconds: float, readers: int, folder, env
) -> Run:
    """The mixed load with the blog's MariaDB behind the relay: cut, then stalled, mid-run."""
    login = mysql_login(db_url)

    async def inject(run: Run, began: float) -> None:
        for kind, at in (("cut", seconds * 0.2), ("stall", seconds * 0.6)):
            await asyncio.sleep(max(0.0, began + at - time.monotonic()))
            start = time.monotonic() - began
            if kind == "cut":
                await relay.cut()
            else:
                relay.stall()
            await asyncio.sleep(fault_seconds)
            if kind == "cut":
                await relay.start()
            else:
                relay.resume()
            run.faults.append(Fault(kind, start, time.monotonic() - began))

    async with Relay(login["host"], login["port"]) as relay:
        return await load_the_blog(
            "blog-faults",
            db_url,
            seconds,
            readers,
            folder,
            env,
            via=relay.url_for(db_url),
            faults=inject,
        )
