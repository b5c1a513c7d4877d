"""The commands, run as a person runs them: ``python -m day06_final`` and its subcommands, each
in a process of its own, with what they print and the status they exit with."""

import itertools
import json
import re
import secrets
import sqlite3
import subprocess
import time

import pytest

# Day 6's __main__.py is its own: day 4's checks of its schema, doctor and import run here.
from tests.day04_models.test_cli import (  # noqa: F401
    test_doctor_tries_the_database_it_is_given,
    test_importing_the_command_module_runs_no_command,
    test_schema_sql_is_what_the_generator_prints_today,
)
from tests.day06_final.conftest import PASSWORD
from tests.network import fetch_while_running, free_port


@pytest.fixture
def sqlite_db(tmp_path):
    """A database URL on an SQLite file that does not exist yet, and a way to read it back."""
    path = tmp_path / "blog.db"

    def query(sql):
        with sqlite3.connect(path) as connection:
            return connection.execute(sql).fetchall()

    return f"sqlite:///{path}", query


def test_init_db_creates_the_tables(run, sqlite_db):
    url, query = sqlite_db
    result = run("init-db", "--db", url)
    assert result.returncode == 0, result.stderr
    assert "users, blogs, comments" in result.stdout
    tables = {name for (name,) in query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    day6 = {"sign_in_attempts", "account_states", "blog_html", "comment_keys"}  # defences'
    assert tables == {"users", "blogs", "comments"} | day6


def test_create_admin_reads_the_password_from_stdin_and_promotes_an_existing_user(run, sqlite_db):
    url, query = sqlite_db
    made = run(
        "create-admin",
        "--db",
        url,
        "--email",
        "Ann@Example.com",
        "--name",
        "Ann",
        stdin=PASSWORD + "\n",
    )
    assert made.returncode == 0, made.stderr
    assert "created the administrator Ann <ann@example.com>" in made.stdout
    [(name, admin, passwd)] = query("SELECT name, admin, passwd FROM users")
    assert (name, admin) == ("Ann", 1) and passwd.startswith("scrypt$") and PASSWORD not in passwd
    again = run(
        "create-admin",
        "--db",
        url,
        "--email",
        "ann@example.com",
        "--name",
        "Other",
        stdin="another password\n",
    )
    assert again.returncode == 0, again.stderr
    assert "is now an administrator" in again.stdout
    [(name, admin, new_passwd)] = query("SELECT name, admin, passwd FROM users")
    assert (name, admin) == ("Ann", 1) and new_passwd != passwd


def test_create_admin_refuses_a_password_registration_would_refuse_in_one_line(run, sqlite_db):
    url, query = sqlite_db
    args = ["--email", "ann@example.com", "--name", "Ann"]
    result = run("create-admin", "--db", url, *args, stdin="short\n")
    assert result.returncode != 0
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("create-admin: password: must be at least 8 characters")
    assert query("SELECT count(*) FROM users") == [(0,)]


@pytest.mark.parametrize(
    "args, message",
    [
        (["init-db", "--db", "mysql://root:@127.0.0.1:{port}/blog"], "Can't connect"),
        (["init-db", "--db", "sqlite:///"], "an SQLite URL looks like sqlite:///blog.db"),
        (["--port", "99999"], "port must be a port number"),
    ],
)
def test_a_bad_setting_or_an_unreachable_database_is_one_line_and_a_failure(run, args, message):
    result = run(*[arg.replace("{port}", str(free_port())) for arg in args])
    assert result.returncode != 0
    [line] = result.stderr.strip().splitlines()
    assert message in line and "Traceback" not in result.stderr


def test_seed_adds_demo_articles_with_comments_chinese_and_emoji(run, sqlite_db):
    url, query = sqlite_db
    result = run("seed", "--posts", "49", "--db", url)
    assert result.returncode == 0, result.stderr
    assert "added 49 articles" in result.stdout and "49/49" not in result.stderr
    names = [name for (name,) in query("SELECT name FROM blogs ORDER BY created_at")]
    assert len(names) == 49 and any("👋" in name for name in names)
    # The first article seeded is the oldest, each next one 90 minutes newer, up to now.
    dates = [created for (created,) in query("SELECT created_at FROM blogs ORDER BY rowid")]
    assert all(round(later - earlier) == 5400 for earlier, later in itertools.pairwise(dates))
    assert 0 < time.time() - dates[-1] <= 5400 + 60
    # Each article has a name of its own: the demo titles come back numbered #2, #3...
    assert len(set(names)) == len(names) and any(name.endswith(" #13") for name in names)
    assert any("写" in name for name in names)
    assert query("SELECT count(*) FROM comments")[0][0] > 0
    # Each comment is written after its article, and none is dated in the future.
    dates = "SELECT c.created_at, b.created_at FROM comments c JOIN blogs b ON b.id = c.blog_id"
    assert all(blog < comment <= time.time() for comment, blog in query(dates))
    people = query("SELECT count(*) FROM users")
    # Seeding again adds articles, with a progress bar from 50 (not for the 49 above); the demo
    # people are made once.
    result = run("seed", "--posts", "50", "--db", url)
    assert result.returncode == 0, result.stderr
    assert "50/50" in result.stderr
    assert query("SELECT count(*) FROM blogs") == [(99,)]
    assert query("SELECT count(*) FROM users") == people


def start_up_log(workbook, day, url: str) -> str:
    """What the server logs from its start until it has answered one request."""
    port = free_port()
    command = workbook.command(day, "--db", url, "--port", str(port))
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as server:
        try:
            fetch_while_running(server, f"http://127.0.0.1:{port}/api/blogs")
        finally:
            server.terminate()
            _, log = server.communicate(timeout=10)
    return log.decode()


def test_the_server_names_its_database_and_how_to_make_the_first_administrator(
    workbook, day, run, sqlite_db, tmp_path
):
    url, _ = sqlite_db
    log = start_up_log(workbook, day, url)
    assert f"database: the SQLite file {tmp_path / 'blog.db'}" in log
    assert re.search(r"no administrator yet: .*create-admin --email .* --name .* --db ", log)
    made = run(
        "create-admin", "--db", url, "--email", "a@example.com", "--name", "A", stdin=PASSWORD
    )
    assert made.returncode == 0, made.stderr
    # Once there is one, the hint is gone; the database is still named.
    log = start_up_log(workbook, day, url)
    assert "database: the SQLite file" in log and "create-admin" not in log


@pytest.mark.mysql
def test_the_server_names_a_mysql_database_without_its_password(workbook, day, mysql_server):
    database = mysql_server.create_database()
    user, password = f"{database}_u"[-32:], secrets.token_hex(8)
    mysql_server.execute(f"CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'")
    try:
        mysql_server.execute(f"GRANT ALL ON `{database}`.* TO '{user}'@'%'")
        address = f"{mysql_server.host}:{mysql_server.port}/{database}"
        log = start_up_log(workbook, day, f"mysql://{user}:{password}@{address}")
    finally:
        mysql_server.execute(f"DROP USER '{user}'@'%'")
    assert f"database: mysql://{user}:***@{address}" in log
    assert password not in log


@pytest.mark.parametrize("trace", [False, True], ids=["quiet", "--trace"])
def test_the_server_answers_on_the_port_it_is_given_until_it_is_stopped(
    workbook, day, sqlite_db, trace
):
    url, _ = sqlite_db
    port = free_port()
    flags = ["--trace"] if trace else []
    command = workbook.command(day, "--db", url, "--port", str(port), *flags)
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as server:
        try:
            answer = json.loads(fetch_while_running(server, f"http://127.0.0.1:{port}/api/blogs"))
            page = fetch_while_running(server, f"http://127.0.0.1:{port}/").decode()
        finally:
            server.terminate()
            _, log = server.communicate(timeout=10)
    assert answer["blogs"] == [] and answer["page"]["page_count"] == 1
    assert "Awesome Python Blog" in page
    # One access line per request; the nine steps (with the SQL) only when asked for.
    log = log.decode()
    assert re.search(r"GET /api/blogs 200 \d+\.\d+ ms", log)
    steps = re.findall(r"^\s+6 orm\s+SELECT", log, re.M | re.I)
    assert bool(steps) == trace, log
