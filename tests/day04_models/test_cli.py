"""`python -m day04_models`: the walk-through on each backend, and schema.sql kept current."""

import subprocess


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
