"""`python -m day03_orm`: the walk-through runs on each backend and shows the SQL it sends;
`python -m day03_orm serve` is still day 2's notes app."""

import re
import subprocess

import pytest

# Day 3's __main__.py is its own: day 1's checks of the command line are checks of its work too.
from tests.day01.test_cli import (  # noqa: F401
    output_at_start,
    test_doctor_fails_on_a_database_url_the_course_cannot_use,
    test_importing_the_command_module_runs_no_command,
)
from tests.day02.test_token import post_with_the_token_printed_at_start


def walk_through(workbook, day, *args, cwd=None) -> subprocess.CompletedProcess:
    command = workbook.command(day, *args)
    try:  # it takes about a second: a walk-through that hangs fails here, not after minutes
        return subprocess.run(command, capture_output=True, text=True, timeout=10, cwd=cwd)
    except subprocess.TimeoutExpired:
        pytest.fail(
            "the walk-through did not end within 10 s: does a statement wait for the "
            "lock or connection its own transaction holds, or for one not given back?"
        )


def test_the_walk_through_prints_each_statement_it_runs(workbook, day, db_url):
    result = walk_through(workbook, day, "--db", db_url)
    assert result.returncode == 0, result.stderr
    for statement in ("CREATE TABLE", "INSERT INTO", "SELECT", "UPDATE", "DELETE FROM", "ROLLBACK"):
        assert statement in result.stdout
    # The Note's title is indexed: the DDL shows an index besides the primary key.
    assert re.search(r"\bINDEX\b|(?<!PRIMARY )\bKEY\b", result.stdout), result.stdout


def test_the_walk_through_uses_an_in_memory_database_by_default(workbook, day, tmp_path):
    result = walk_through(workbook, day, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "INSERT INTO" in result.stdout
    assert list(tmp_path.iterdir()) == []  # nothing left behind


def test_serve_runs_day_2s_notes_app_with_the_token_it_prints(workbook, day):
    # run_app turns SIGTERM into a clean shutdown, so the server then exits with status 0.
    assert post_with_the_token_printed_at_start(workbook, day, "serve") == (201, 0)


def test_serve_listens_on_port_9000_when_no_port_is_given(workbook, day):
    # "Running on http://127.0.0.1:9000", or the refusal to bind 9000 if another program holds it.
    output = output_at_start(workbook, day, "serve")
    assert re.search(rb"\b9000\b", output), output.decode(errors="replace")
