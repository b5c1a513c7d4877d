"""The suite's frame: which copy of the workbook is under test, the databases, the grade book.

``--workbook-root PATH`` (or ``WORKBOOK_ROOT``) points every day's checks at a student's copy;
each day's tests reach the day's code through the ``workbook`` and ``day`` fixtures, never by
importing a reference copy. Every run ends with feedback on the failed checks and a table
scoring each day on its own work (tests/grading.py), which ``--grade-json``, ``--grade-csv``
and ``--gradescope`` export for graders.
"""

from __future__ import annotations

import os
import secrets
import shutil
from urllib.parse import urlsplit

import pymysql
import pytest

from tests.grading import GradeBook, add_options, row_of
from tests.workbook import DAYS, REPO, Workbook

MYSQL_SERVER_URL = os.environ.get("WORKBOOK_MYSQL_URL", "mysql://root:@127.0.0.1:3306/")
WORKBOOK_KEY = pytest.StashKey[Workbook]()


def pytest_addoption(parser):
    group = parser.getgroup("workbook")
    group.addoption(
        "--workbook-root",
        default=os.environ.get("WORKBOOK_ROOT"),
        metavar="PATH",
        help="run the checks against the day folders under PATH (or PATH itself, a day folder) "
        "instead of the reference copies; default: $WORKBOOK_ROOT, else the repository",
    )
    add_options(group)


def pytest_configure(config):
    root = config.getoption("--workbook-root") or REPO
    workbook = Workbook(root)
    if not workbook.folders:
        raise pytest.UsageError(f"--workbook-root {root}: no day folder found there")
    workbook.install()
    config.stash[WORKBOOK_KEY] = workbook
    grade_book = GradeBook(config, workbook.root, workbook.is_reference)
    config.pluginmanager.register(grade_book, "workbook-grade")


def pytest_report_header(config):
    workbook = config.stash[WORKBOOK_KEY]
    kind = "the reference copy" if workbook.is_reference else "a submitted copy"
    lines = [f"workbook under test: {workbook.root} ({kind})"]
    if not workbook.is_reference:
        lines += [f"  {day}: {folder}" for day, folder in workbook.folders.items()]
    return lines


def pytest_collection_modifyitems(config, items):
    workbook = config.stash[WORKBOOK_KEY]
    for item in items:
        day = row_of(item.path)
        if day in DAYS and not workbook.has(day):
            reason = f"no {day}/ folder under {workbook.root}"
            item.add_marker(pytest.mark.skip(reason=reason))


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def workbook(pytestconfig) -> Workbook:
    """The workbook under test: ``workbook.load(day, "orm")`` imports a day's module."""
    return pytestconfig.stash[WORKBOOK_KEY]


@pytest.fixture
def day(request) -> str:
    """The day whose checks this test is: the folder it lives in under tests/."""
    return row_of(request.path)


def _required(variable: str) -> bool:
    return os.environ.get(variable, "").strip() not in ("", "0")


def _unavailable(message: str, variable: str):
    """Skip the test for want of something, or fail it when ``variable`` says it is required."""
    if _required(variable):
        pytest.fail(f"{message} ({variable}=1)")
    pytest.skip(message)


class MySQLServer:
    """A reachable MySQL/MariaDB server on which each test gets a database of its own."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 3306
        self.user = parts.username or "root"
        self.password = parts.password or ""
        self.prefix = f"workbook_test_{secrets.token_hex(3)}_"

    def _connect(self):
        return pymysql.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            connect_timeout=3,
            autocommit=True,
        )

    def execute(self, sql: str) -> list[tuple]:
        connection = self._connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET SESSION lock_wait_timeout = 10")
                cursor.execute(sql)
                return list(cursor.fetchall())
        finally:
            connection.close()

    def create_database(self) -> str:
        name = self.prefix + secrets.token_hex(4)
        self.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        return name

    def drop_database(self, name: str) -> None:
        self.execute(f"DROP DATABASE IF EXISTS `{name}`")

    def url(self, database: str) -> str:
        return f"mysql://{self.user}:{self.password}@{self.host}:{self.port}/{database}"


@pytest.fixture(scope="session")
def mysql_server() -> MySQLServer:
    """The MySQL/MariaDB server, or a skip (a failure with WORKBOOK_REQUIRE_MYSQL=1)."""
    server = MySQLServer(MYSQL_SERVER_URL)
    try:
        server.execute("SELECT 1")
    except pymysql.MySQLError as exc:
        message = f"no MySQL/MariaDB server answers at {MYSQL_SERVER_URL}: {exc}"
        _unavailable(message, "WORKBOOK_REQUIRE_MYSQL")
    yield server
    for (name,) in server.execute(f"SHOW DATABASES LIKE '{server.prefix}%'"):
        server.drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("mysql", marks=pytest.mark.mysql)])
def db_url(request, tmp_path) -> str:
    """An empty database on each backend: an SQLite file, then a fresh MySQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    server = request.getfixturevalue("mysql_server")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Debian's Chromium, or a skip (a failure with WORKBOOK_REQUIRE_BROWSER=1)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        _unavailable("no Chromium installed (apt-get install chromium)", "WORKBOOK_REQUIRE_BROWSER")
    return path


@pytest.fixture(scope="session")
def nginx_executable() -> str:
    """Debian's nginx, or a skip (a failure with WORKBOOK_REQUIRE_NGINX=1)."""
    # nginx is in /usr/sbin, which is not on every user's PATH.
    path = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if path is None:
        _unavailable("no nginx installed (apt-get install nginx)", "WORKBOOK_REQUIRE_NGINX")
    return path
