"""Day 6's shared fixtures. As in the Flask tutorial: ``client`` is the blog that ``create_app``
builds with a test ``config``, ``auth`` signs it in and out as the people ``make_user`` saves
(all with PASSWORD, hashed once: a hash is slow on purpose); the unit checks need only
``memory_database``."""

import asyncio
import dataclasses
import itertools
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
ARTICLE = {"name": "A first article", "summary": "What it is about.", "content": "Some *markdown*."}


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
    instance = {"db_url": db_url, "secret": TEST_SECRET, "instance_path": tmp_path / "instance"}
    # The load and fault checks post hundreds of comments a minute as one reader; the checks
    # of the limit set their own.
    instance |= {"signin_failure_delay": 0.001, "comments_per_minute": 10_000}
    return workbook.load(day, "config").Config(**{**instance, **settings})


@pytest.fixture
async def memory_database(workbook, day, tmp_path):
    """The blog's tables in a new in-memory SQLite database, for the unit checks: no app."""
    config = workbook.load(day, "config")
    unit = config.Config("sqlite:///:memory:", TEST_SECRET, instance_path=tmp_path / "instance")
    async with workbook.load(day, "app").open_database(unit):
        yield


@pytest.fixture
async def app(workbook, day, config):
    """The blog's application, built by ``create_app(config=config)``, not started yet."""
    return await workbook.load(day, "app").create_app(config=config)


@pytest.fixture
async def client(aiohttp_client, app):
    """A client of the blog on a brand-new database (SQLite, then MariaDB), as a browser."""
    return await aiohttp_client(app, headers={"Accept": BROWSER_ACCEPT})


def day_module(name: str):
    """A fixture named ``name``: the day's module of that name."""

    def load(workbook, day):
        return workbook.load(day, name)

    load.__doc__ = f"The day's {name} module."
    return pytest.fixture(load, name=name)


models, apis, passwords, sessions = map(day_module, ["models", "apis", "passwords", "sessions"])


@pytest.fixture(scope="session")
def password_hash(workbook):
    """The hash of PASSWORD, made once: every test user has it."""
    passwords = workbook.load("day06_final", "passwords")
    # A loop of its own, never installed as the current one: the tests' loops are untouched.
    with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:
        return runner.run(passwords.hash_password(PASSWORD))


@pytest.fixture
def make_user(models, password_hash):
    """``await make_user(name=None, *, admin=False, email=None)``: a user saved with PASSWORD."""
    numbers = itertools.count(1)

    async def make_user(name=None, *, admin=False, email=None):
        n = next(numbers)
        user = models.User(
            name=name or ("Ann Admin" if admin else f"Rui Reader {n}"),
            email=email or f"person{n}@example.com",
            passwd=password_hash,
            admin=admin,
            image="/static/img/avatar.svg",
        )
        await user.save()
        return user

    return make_user


class Auth:
    """Make people and be them: ``await auth.as_admin()``, ``await auth.as_user()``."""

    def __init__(self, client, models, sessions, config, make_user):
        self.client, self.models, self.sessions = client, models, sessions
        self.config, self.make_user = config, make_user

    def cookie_for(self, user) -> str:
        """The session cookie the blog itself would set for ``user``."""
        age = self.config.session_max_age
        return self.sessions.sign_session(user.id, user.passwd, self.config.secret, age)

    def sign_in_as(self, user) -> None:
        """From now on the client carries ``user``'s session cookie."""
        self.sign_out()
        cookie = {self.sessions.COOKIE_NAME: self.cookie_for(user)}
        self.client.session.cookie_jar.update_cookies(cookie)

    def sign_out(self) -> None:
        """From now on the client carries no cookie: a visitor."""
        self.client.session.cookie_jar.clear()

    async def as_user(self, name=None, *, admin=False):
        """Sign in as a new reader (or administrator); return them."""
        user = await self.make_user(name, admin=admin)
        self.sign_in_as(user)
        return user

    async def as_admin(self, name=None):
        """Sign in as a new administrator; return them."""
        return await self.as_user(name, admin=True)

    async def sign_in(self, email, password=PASSWORD):
        """Sign in through the API, as a script would: the response."""
        return await self.client.post(
            "/api/authenticate", json={"email": email, "password": password}
        )


@pytest.fixture
def auth(client, models, sessions, config, make_user):
    """Make users and sign the client in as them, or out."""
    return Auth(client, models, sessions, config, make_user)


@pytest.fixture
async def relayed(config, workbook, day, aiohttp_client, db_url, models, sessions, make_user):
    """The blog on MariaDB through a Relay the test cuts or stalls: (relay, client, auth)."""
    url = urlsplit(db_url)
    async with Relay(url.hostname, url.port) as relay:
        config = dataclasses.replace(config, db_url=relay.url_for(db_url))
        app = await workbook.load(day, "app").create_app(config=config)
        client = await aiohttp_client(app)
        yield relay, client, Auth(client, models, sessions, config, make_user)


@pytest.fixture
def run(workbook, day):
    """``run(*args, stdin="")``: run ``python -m <day> args``; the finished process."""

    def run(*args, stdin=""):
        command = workbook.command(day, *args)
        return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60)

    return run


def by(author) -> dict:
    """The author's columns an article or a comment copies."""
    return {"user_id": author.id, "user_name": author.name, "user_image": author.image}


@pytest.fixture
def save_blog(models):
    """``await save_blog(author, name=..., ...)``: an article saved through the models."""

    async def save_blog(author, **values):
        blog = models.Blog(**by(author), **{**ARTICLE, "created_at": time.time(), **values})
        await blog.save()
        return blog

    return save_blog


@pytest.fixture
def save_blogs(save_blog):
    """``await save_blogs(author, n)``: "Article 0" to "Article {n-1}", a second apart, in order."""

    async def save_blogs(author, n):
        start = time.time() - n
        return [
            await save_blog(author, name=f"Article {k}", created_at=start + k) for k in range(n)
        ]

    return save_blogs


@pytest.fixture
def save_comment(models):
    """``await save_comment(blog, author, content)``: a comment saved through the models."""

    async def save_comment(blog, author, content="Nice.", created_at=None):
        when = created_at or time.time()
        comment = models.Comment(blog_id=blog.id, **by(author), content=content, created_at=when)
        await comment.save()
        return comment

    return save_comment


@pytest.fixture
def rows(models):
    """``await rows()``: how many users, blogs and comments the database holds."""

    async def rows():
        tables = (models.User, models.Blog, models.Comment)
        return {model.__table__: await model.findNumber("count(*)") for model in tables}

    return rows


class StartTags(HTMLParser):
    """The start tags of an HTML text, each as (tag, {attribute: value as a browser reads it})."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


@pytest.fixture
def elements():
    """``elements(html)``: its start tags, each as (tag, {attribute: value as a browser reads})."""
    return lambda html: StartTags(html).found
