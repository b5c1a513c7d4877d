"""`python -m day04_models`: the walk-through on each backend, schema.sql kept current, and day
2's ``serve`` and ``doctor`` still reached through today's command line."""

import re
import subprocess

from tests.day01.test_cli import output_at_start
from tests.day02.test_token import post_with_the_token_printed_at_start
from tests.day04_models import test_models

# The model checks' fixtures (the day's models, their tables on an open pool), shared.
orm, db, models, tables = test_models.orm, test_models.db, test_models.models, test_models.tables


def run(workbook, day, *args, cwd=None) -> subprocess.CompletedProcess:
    command = workbook.command(day, *args)
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=cwd)


def test_the_walk_through_creates_queries_updates_and_removes_on_each_backend(
    workbook, day, db_url
):
    result = run(workbook, day, "--db", db_url)
    assert result.returncode == 0, result.stderr
    for statement in ("CREATE TABLE", "INSERT INTO", "SELECT", "UPDATE", "DELETE FROM"):
        assert statement in result.stdout
    for table in ("users", "blogs", "comments"):
        assert table in result.stdout


def test_the_walk_through_runs_on_a_temporary_sqlite_file_by_default(workbook, day, tmp_path):
    result = run(workbook, day, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "INSERT INTO" in result.stdout
    assert list(tmp_path.iterdir()) == []  # nothing left behind


def test_schema_sql_is_what_the_generator_prints_today(workbook, day):
    result = run(workbook, day, "schema")
    assert result.returncode == 0, result.stderr
    schema = (workbook.folder(day) / "schema.sql").read_text(encoding="utf-8")
    # If this fails, models.py changed: regenerate schema.sql as its first lines say.
    assert schema == result.stdout
    for table in ("users", "blogs", "comments"):
        assert f"CREATE TABLE IF NOT EXISTS `{table}`" in schema


async def test_the_walk_through_lists_the_ten_newest_blogs_and_keeps_the_others(
    workbook, day, db_url, tables
):
    author = dict(user_id="u", user_name="Ben", user_image="")
    for n in range(11):
        await tables.Blog(**author, name=f"old {n}", summary="s", content="c", created_at=n).save()
    result = run(workbook, day, "--db", db_url)
    assert result.returncode == 0, result.stderr
    newest = ["Hello 🌍"] + [f"old {n}" for n in range(10, 1, -1)]
    assert f"newest blogs: {newest!r}" in result.stdout
    # It removes what it added, and only that.
    assert await tables.Blog.findNumber("count(*)") == 11


def test_serve_runs_day_2s_notes_app_with_the_token_it_prints(workbook, day):
    # run_app turns SIGTERM into a clean shutdown, so the server then exits with status 0.
    assert post_with_the_token_printed_at_start(workbook, day, "serve", port_last=True) == (201, 0)


def test_serve_listens_on_port_9000_when_no_port_is_given(workbook, day):
    # "Running on http://127.0.0.1:9000", or the refusal to bind 9000 if another program holds it.
    output = output_at_start(workbook, day, "serve")
    assert re.search(rb"\b9000\b", output), output.decode(errors="replace")


def test_doctor_tries_the_database_it_is_given(workbook, day):
    url = "mysql://root:@127.0.0.1:1/nothing-listens-here"
    result = run(workbook, day, "doctor", "--db", url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert any(line.startswith("WARN") and url in line for line in result.stdout.splitlines())


def test_importing_the_command_module_runs_no_command(workbook, day, capsys):
    # A notebook may import schema() or walk_through() from it: importing must not run main().
    module = workbook.load(day, "__main__")
    assert capsys.readouterr() == ("", "")
    assert module.schema() == (workbook.folder(day) / "schema.sql").read_text(encoding="utf-8")
