"""Fixtures shared by day 6's checks: the blog on each database, people to sign in as, content.

As in the Flask tutorial: ``config`` is a test instance (a temporary folder, a long test secret,
no pause after a failed sign-in), ``client`` is the app built by ``create_app`` with it, and
``auth`` makes users and signs the client in and out. A password hash costs tens of
milliseconds on purpose, so every test user shares one hash, made once per session.
``relayed`` is the blog on MariaDB behind a relay the test cuts or stalls; ``run`` runs the
day's commands in a process of their own.
"""

import asyncio
import dataclasses
import subprocess
import time
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from tests.network import Relay

TEST_SECRET = "a-test-secret-that-is-long-enough-for-the-blog-0123456789"
PASSWORD = "correct horse battery staple"
# What a browser sends when it loads a page: the client asks for pages as a browser does.
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
AVATAR = "/static/img/avatar.svg"


@pytest.fixture(autouse=True)
def no_outside_settings(monkeypatch, tmp_path, workbook, day):
    """The blog's settings come from the test alone, never from this machine's environment."""
    for variable in workbook.load(day, "config").ENVIRONMENT:
        monkeypatch.delenv(variable, raising=False)
    empty = tmp_path / "no-settings.toml"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("BLOG_CONFIG", str(empty))
    # For apps built without a Config (day 5's checks call create_app(db_url)).
    monkeypatch.setenv("BLOG_SECRET", TEST_SECRET)


@pytest.fixture
def settings():
    """Settings a test wants changed: ``@pytest.mark.parametrize("settings", [{...}])``."""
    return {}


@pytest.fixture
def config(workbook, day, db_url, tmp_path, settings):
    """A test instance of the blog on ``db_url``: temporary folder, test secret, no delays."""
    config = workbook.load(day, "config")
    test_instance = {
        "db_url": db_url,
        "secret": TEST_SECRET,
        "signin_failure_delay": 0.001,
        # The load and fault checks post hundreds of comments a minute as one reader; the
        # checks of the limit set their own.
        "comments_per_minute": 10_000,
        "instance_path": tmp_path / "instance",
    }
    return config.Config(**{**test_instance, **settings})


@pytest.fixture
async def app(workbook, day, config):
    """The blog's application, built by ``create_app(config=config)``, not started yet."""
    return await workbook.load(day, "app").create_app(config=config)


@pytest.fixture
async def client(aiohttp_client, app):
    """A client of the blog on a brand-new database (SQLite, then MariaDB), as a browser."""
    return await aiohttp_client(app, headers={"Accept": BROWSER_ACCEPT})


@pytest.fixture
def models(workbook, day):
    """The day's models module."""
    return workbook.load(day, "models")


@pytest.fixture(scope="session")
def password_hash(workbook):
    """The hash of PASSWORD, made once: every test user has it."""
    passwords = workbook.load("day06_final", "passwords")
    # A loop of its own, never installed as the current one: the tests' loops are untouched.
    with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:
        return runner.run(passwords.hash_password(PASSWORD))


class Auth:
    """Make people and be them: ``await auth.as_admin()``, ``await auth.as_user()``."""

    def __init__(self, client, models, sessions, config, password_hash):
        self.client, self.models, self.sessions = client, models, sessions
        self.config, self.password_hash = config, password_hash
        self.made = 0

    async def make_user(self, name=None, *, admin=False, email=None):
        """A user saved through the models, with PASSWORD, not signed in."""
        self.made += 1
        name = name or ("Ann Admin" if admin else f"Rui Reader {self.made}")
        email = email or f"person{self.made}@example.com"
        user = self.models.User(
            name=name, email=email, passwd=self.password_hash, admin=admin, image=AVATAR
        )
        await user.save()
        return user

    def cookie_for(self, user) -> str:
        """The session cookie the blog itself would set for ``user``."""
        config = self.config
        return self.sessions.sign_session(
            user.id, user.passwd, config.secret, config.session_max_age
        )

    def cookie_header(self, user) -> dict[str, str]:
        """Headers that carry ``user``'s session cookie, for a request outside the cookie jar."""
        return {"Cookie": f"{self.sessions.COOKIE_NAME}={self.cookie_for(user)}"}

    def forged_cookies(self, reader, admin) -> dict[str, str]:
        """Session cookies that must sign no one in, by name: made up, or forged from real ones."""
        sessions, config = self.sessions, self.config
        signed, age = sessions.sign_session, config.session_max_age
        reader_cookie, admin_cookie = self.cookie_for(reader), self.cookie_for(admin)
        payload, signature = reader_cookie.rsplit(".", 1)
        _, expires, fingerprint = payload.split(".")
        return {
            "garbage": "not-a-session",
            # The reader's cookie, claiming to be the admin's: the signature no longer matches.
            "tampered user id": f"{admin.id}.{expires}.{fingerprint}.{signature}",
            "tampered expiry": f"{reader.id}.{int(expires) + 10**6}.{fingerprint}.{signature}",
            "bad signature": f"{payload}.{'0' * 64}",
            "expired": signed(admin.id, admin.passwd, config.secret, 3600, now=time.time() - 7200),
            "another secret": signed(admin.id, admin.passwd, "another-secret-" + "x" * 40, age),
            "unsigned": admin_cookie.rsplit(".", 1)[0],
            # Signed with the right secret, but naming no user: the lookup finds no one.
            "junk id": signed("1' OR '1'='1", admin.passwd, config.secret, age),
            "non-ASCII": "ädmin." + admin_cookie,
            "SQL": "' OR 1=1; --",
            "4 KB long": admin_cookie + "A" * 4000,
            "10 KB long": admin_cookie + "A" * 10_000,
        }

    def sign_in_as(self, user) -> None:
        """From now on the client carries ``user``'s session cookie."""
        self.sign_out()
        cookie = {self.sessions.COOKIE_NAME: self.cookie_for(user)}
        self.client.session.cookie_jar.update_cookies(cookie)

    def sign_out(self) -> None:
        self.client.session.cookie_jar.clear()

    async def as_user(self, name=None):
        """Sign in as a new reader; return them."""
        user = await self.make_user(name)
        self.sign_in_as(user)
        return user

    async def as_admin(self, name=None):
        """Sign in as a new administrator; return them."""
        user = await self.make_user(name, admin=True)
        self.sign_in_as(user)
        return user

    async def sign_in(self, email, password=PASSWORD):
        """Sign in through the API, as a script would: the response."""
        return await self.client.post(
            "/api/authenticate", json={"email": email, "password": password}
        )


@pytest.fixture
def auth(client, models, workbook, day, config, password_hash):
    """Make users and sign the client in as them, or out."""
    return Auth(client, models, workbook.load(day, "sessions"), config, password_hash)


@pytest.fixture
async def relayed(config, workbook, day, aiohttp_client, db_url, models, password_hash):
    """The blog on MariaDB through a Relay the test cuts or stalls: (relay, client, auth)."""
    url = urlsplit(db_url)
    async with Relay(url.hostname, url.port) as relay:
        config = dataclasses.replace(config, db_url=relay.url_for(db_url))
        app = await workbook.load(day, "app").create_app(config=config)
        client = await aiohttp_client(app)
        auth = Auth(client, models, workbook.load(day, "sessions"), config, password_hash)
        yield relay, client, auth


@pytest.fixture
def run(workbook, day):
    """``run(*args, stdin="")``: run ``python -m <day> args``; the finished process."""

    def run(*args, stdin=""):
        command = workbook.command(day, *args)
        return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60)

    return run


@pytest.fixture
def save_blog(models):
    """``await save_blog(author, name=..., ...)``: an article saved through the models."""

    async def save_blog(author, **values):
        blog = models.Blog(
            user_id=author.id,
            user_name=author.name,
            user_image=author.image,
            name=values.pop("name", "A first article"),
            summary=values.pop("summary", "What it is about."),
            content=values.pop("content", "Some **markdown**."),
            created_at=values.pop("created_at", time.time()),
            **values,
        )
        await blog.save()
        return blog

    return save_blog


@pytest.fixture
def save_comment(models):
    """``await save_comment(blog, author, content)``: a comment saved through the models."""

    async def save_comment(blog, author, content="Nice.", created_at=None):
        comment = models.Comment(
            blog_id=blog.id,
            user_id=author.id,
            user_name=author.name,
            user_image=author.image,
            content=content,
            created_at=created_at or time.time(),
        )
        await comment.save()
        return comment

    return save_comment


@pytest.fixture
def rows(models):
    """``await rows()``: how many users, blogs and comments the database holds."""

    async def rows():
        counts = {}
        for model in (models.User, models.Blog, models.Comment):
            counts[model.__table__] = await model.findNumber("count(*)")
        return counts

    return rows


class _StartTags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


@pytest.fixture
def elements():
    """Parse HTML into its start tags, each as (tag, {attribute: value as a browser reads it})."""

    def parse(html: str) -> list[tuple[str, dict]]:
        parser = _StartTags()
        parser.feed(html)
        parser.close()
        return parser.found

    return parse
