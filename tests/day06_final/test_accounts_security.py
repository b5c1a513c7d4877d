"""Accounts an attacker cannot take over or imitate: private files, one form of an email, honest
names, sessions that end on the server, credentials kept out of logs and URLs.

Each check is an attack from issue 14 that used to work. Where the database decides (how two
emails compare, which sessions still count), the check runs on SQLite and MariaDB.
"""

import stat
from pathlib import Path

import pytest

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


# --- the database file --------------------------------------------------------------------


def mode(path) -> str:
    return oct(stat.S_IMODE(Path(path).stat().st_mode))


def test_init_db_creates_the_sqlite_file_readable_by_its_owner_only(run, tmp_path):
    path = tmp_path / "blog.db"
    result = run("init-db", "--db", f"sqlite:///{path}")
    assert result.returncode == 0, result.stderr
    # The file holds every email and password hash: no other account on the machine reads it.
    assert mode(path) == "0o600"


@sqlite_only
async def test_the_served_blog_creates_its_sqlite_file_private(client, config):
    assert (await client.get("/")).status == 200
    assert mode(config.db_url.removeprefix("sqlite:///")) == "0o600"
