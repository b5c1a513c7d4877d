"""Grading a grader can trust: own-work scores, feedback per check, the exports, the batch.

Tiny submissions are built from the reference day 4 with one thing broken, and graded the way
a grader does: ``python -m course grade`` over the folder, and ``pytest --workbook-root`` for
one student. A few of day 4's checks stand in for the whole suite (``-k``), on SQLite only, so
that the file runs in well under a minute.
"""

import csv
import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.grading import Check, gradescope_results, hint_for, in_words, one_line, scores
from tests.network import free_port
from tests.workbook import REPO

pytestmark = pytest.mark.timeout(180)

DAY = "day04_models"
# The checks of ids, of tables on SQLite (their MySQL twins are skipped here), and one
# carried-forward ORM check on SQLite (and its MySQL twin, skipped).
SELECTION = "next_id or each_table or every_field_type"
BATCH_SECONDS = 150


def own_on_sqlite(selection: str) -> int:
    """How many of day 4's own checks ``-k selection`` picks on SQLite, as pytest collects them."""
    collected = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            f"tests/{DAY}",
            "--collect-only",
            "-q",
            "-k",
            selection,
            "-p",
            "no:cacheprovider",
            f"--ignore=tests/{DAY}/test_carried_forward.py",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.splitlines()
    count = sum(line.startswith("tests/") and "[mysql" not in line for line in collected)
    assert count, f"-k {selection!r} picks none of day 4's own checks"
    return count


@pytest.fixture(scope="module")
def own():
    """How many of day 4's own checks SELECTION picks on SQLite (as many as the day has)."""
    return own_on_sqlite(SELECTION)


def environment() -> dict[str, str]:
    """SQLite only: the MySQL URL points at a closed port, and MySQL is not required."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBOOK_")}
    env["WORKBOOK_MYSQL_URL"] = f"mysql://root:@127.0.0.1:{free_port()}/"
    return env


def submission(root, student: str, day: str = DAY, models: str | None = None):
    """A copy of the reference ``day`` for ``student``, its models.py replaced when given."""
    folder = root / student / day
    shutil.copytree(REPO / day, folder, ignore=shutil.ignore_patterns("__pycache__", "*.db"))
    if models is not None:
        (folder / "models.py").write_text(models, encoding="utf-8")
    return root / student


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Five submissions graded by ``python -m course grade``: (its output, the grades folder)."""
    root = tmp_path_factory.mktemp("submissions")
    submission(root, "ada")
    submission(root, "emma", models="")
    submission(root, "bob", models="def next_id(:\n")
    submission(root, "hal", models="import time\n\nwhile True:\n    time.sleep(1)\n")
    submission(root, "cy", day="day03_orm")
    out = tmp_path_factory.mktemp("grades") / "grades"
    command = [sys.executable, "-m", "course", "grade", str(root), "--day", DAY]
    command += ["--out", str(out), "--timeout", "60", "--import-timeout", "10", "-k", SELECTION]
    done = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, env=environment(), timeout=BATCH_SECONDS
    )
    assert done.returncode == 0, done.stderr
    return done, out


def gradebook(out) -> dict[str, dict]:
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as book:
        return {row["student"]: row for row in csv.DictReader(book)}


def test_a_correct_copy_scores_100_on_its_own_lesson_checks(batch, own):
    _, out = batch
    ada = gradebook(out)["ada"]
    assert (ada["day"], ada["score"], ada["note"]) == (DAY, "100.0", "")
    assert ada["lesson_passed"] == ada["lesson_total"] == str(own)
    # The MySQL twins are skipped, counted apart, never as passed.
    assert int(ada["skipped"]) > 0
    assert ada["carried_passed"] == ada["carried_total"] == "1"


def test_an_empty_models_py_scores_0_however_well_the_orm_it_carries_does(batch, own):
    _, out = batch
    emma = gradebook(out)["emma"]
    assert emma["score"] == "0.0" and emma["lesson_total"] == str(own)
    assert emma["carried_passed"] == emma["carried_total"] == "1"


@pytest.mark.parametrize(
    "student, reason",
    [
        ("bob", "day04_models/models.py does not import: SyntaxError"),
        ("hal", "importing day04_models/models.py did not return within 10 s"),
        ("cy", "no day04_models/ folder in the submission"),
    ],
)
def test_a_submission_that_cannot_run_scores_0_with_the_reason(batch, own, student, reason):
    _, out = batch
    row = gradebook(out)[student]
    assert row["score"] == "0.0" and row["lesson_passed"] == "0"
    assert int(row["lesson_total"]) >= own
    assert row["note"].startswith(reason)
    results = json.loads((out / student / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 0 and results["max_score"] == int(row["lesson_total"])
    assert all(reason in test["output"] for test in results["tests"])


def test_checks_that_outrun_the_time_limit_score_0_and_the_batch_goes_on(tmp_path):
    # next_id never returns: each check of it would wait for pytest-timeout's 60 s.
    slow = "\n\ndef next_id():\n    time.sleep(3600)\n"
    models = (REPO / DAY / "models.py").read_text(encoding="utf-8") + slow
    submission(tmp_path / "submissions", "sid", models=models)
    out = tmp_path / "grades"
    command = [sys.executable, "-m", "course", "grade", str(tmp_path / "submissions")]
    command += ["--day", DAY, "--out", str(out), "--timeout", "8", "-k", "next_id"]
    done = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, env=environment(), timeout=90
    )
    assert done.returncode == 0, done.stderr
    sid = gradebook(out)["sid"]
    assert sid["score"] == "0.0" and sid["note"] == "the checks did not finish within 8 s"


def test_the_batch_prints_a_line_per_student_and_a_progress_bar(batch):
    done, _ = batch
    lines = done.stdout.splitlines()
    for student in ("ada", "bob", "cy", "emma", "hal"):
        assert any(line.startswith(student) for line in lines), done.stdout
    # The progress bar goes to stderr, and names the day being graded.
    assert "grading day04_models" in done.stderr


def test_each_student_gets_every_check_in_words_with_its_day_tier_and_feedback(batch):
    _, out = batch
    emma = json.loads((out / "emma.json").read_text(encoding="utf-8"))
    assert emma["student"] == "emma" and emma["graded"] == "lesson"
    assert emma["days"][DAY]["score"] == 0.0
    checks = {check["name"]: check for check in emma["checks"]}
    check = checks["next id is a string of 50 characters"]
    assert (check["day"], check["tier"], check["status"]) == (DAY, "lesson", "failed")
    assert check["carried_forward"] is False
    assert (
        check["message"]
        == "AttributeError: module 'day04_models.models' has no attribute 'next_id'"
    )
    assert check["hint"].startswith("reread day04_models/README.md")
    assert checks["each table has the courses columns [sqlite-users]"]["status"] == "failed"
    assert checks["every field type comes back as its python type [sqlite]"]["status"] == "passed"
    skipped = checks["each table has the courses columns [mysql-users]"]
    assert skipped["status"] == "skipped" and "no MySQL/MariaDB server" in skipped["message"]


def test_results_json_is_gradescopes_format(batch, own):
    _, out = batch
    results = json.loads((out / "ada" / "results.json").read_text(encoding="utf-8"))
    assert (results["score"], results["max_score"]) == (own, own)
    for test in results["tests"]:
        assert set(test) == {"name", "score", "max_score", "status", "output", "visibility"}
        assert test["status"] in ("passed", "failed") and test["visibility"] == "visible"
    carried = [test for test in results["tests"] if "carried forward" in test["name"]]
    assert carried and all(test["max_score"] == 0 for test in carried)


def test_a_students_own_run_shows_feedback_and_exports_into_folders_it_creates(tmp_path):
    emma = submission(tmp_path / "submissions", "emma", models="")
    book = tmp_path / "new" / "gradebook.csv"
    command = [sys.executable, "-m", "pytest", f"tests/{DAY}", "-p", "no:cacheprovider"]
    command += ["--workbook-root", str(emma), "-k", "next_id", "--basetemp", str(tmp_path / "t")]
    command += ["--grade-json", str(tmp_path / "a" / "b" / "emma.json"), "--grade-csv", str(book)]
    ids = own_on_sqlite("next_id")
    for _ in range(2):  # a second run replaces the student's row instead of adding one
        done = subprocess.run(
            command, cwd=REPO, capture_output=True, text=True, env=environment(), timeout=60
        )
    assert f"{ids} failed" in done.stdout.splitlines()[-1]  # pytest's own summary line still prints
    assert "✗ day04_models · lesson · next ids are unique" in done.stdout
    assert "has no attribute 'next_id'" in done.stdout
    assert 'hint: reread day04_models/README.md, "' in done.stdout
    assert (tmp_path / "a" / "b" / "emma.json").is_file()
    with book.open(newline="", encoding="utf-8") as lines:
        rows = list(csv.DictReader(lines))
    assert [(row["student"], row["day"], row["lesson_total"]) for row in rows] == [
        ("emma", DAY, str(ids))
    ]


# --- the rules, without a run -------------------------------------------------------------


def check(status: str, tier: str = "lesson", carried: bool = False, day: str = DAY) -> Check:
    return Check("id", "name", day, tier, carried, status)


def test_a_day_is_graded_on_its_own_lesson_checks_unless_both_tiers_are_asked_for():
    checks = [check("passed"), check("failed"), check("passed", "production")]
    checks += [check("passed", carried=True), check("skipped")]
    lesson = scores(checks)[DAY]
    assert lesson["score"] == 50.0 and lesson["production"] == {"passed": 1, "total": 1}
    assert lesson["carried_forward"] == {"passed": 1, "total": 1} and lesson["skipped"] == 1
    both = scores(checks, "both")[DAY]
    assert both["score"] == 66.6 and both["graded"] == "lesson+production"
    results = gradescope_results(checks, "both")
    assert (results["score"], results["max_score"]) == (2, 3)


def test_a_score_is_100_only_when_every_graded_check_passed():
    checks = [check("passed")] * 1999 + [check("failed")]
    assert scores(checks)[DAY]["score"] == 99.9


@pytest.mark.parametrize(
    "test_name, words",
    [
        ("test_a_user_is_saved", "a user is saved"),
        (
            "test_each_table_has_the_courses_columns[sqlite-users]",
            "each table has the courses columns [sqlite-users]",
        ),
    ],
)
def test_a_check_is_named_in_words_keeping_its_parameters(test_name, words):
    assert in_words(test_name) == words


@pytest.mark.parametrize(
    "message, line",
    [
        (
            "AssertionError: no index on users.email\nassert 'email' in {}",
            "no index on users.email",
        ),
        ("assert 0 == 1\n +  where 0 = len([])", "assert 0 == 1"),
        (
            'AssertionError: Traceback (most recent call last):\n  File "x.py", line 1\n'
            "ImportError: cannot import name 'Blog'\n\nassert 1 == 0\n + where 1 = run()",
            "ImportError: cannot import name 'Blog'",
        ),
        ("x" * 300, "x" * 199 + "…"),
    ],
)
def test_a_failure_is_told_in_one_line_of_what_came_back(message, line):
    assert one_line(message) == line


def test_a_hint_names_the_readme_section_that_teaches_the_check():
    # Day 6's parts name their check files: the hint is the first part that names the file.
    hint = hint_for("tests.day06_final.test_reliability", "day06_final")
    assert hint.startswith('reread day06_final/README.md, "Part ')
    readme = (REPO / "day06_final" / "README.md").read_text(encoding="utf-8")
    part = readme.split(f"## {hint.split(chr(34))[1]}\n", 1)[1].split("\n## ", 1)[0]
    assert "test_reliability.py" in part
    # A carried-forward check sends the student to a section of the day that taught it.
    hint = hint_for("tests.day03_orm.test_orm", "day04_models")
    assert hint.startswith('reread day03_orm/README.md, "')
    readme = (REPO / "day03_orm" / "README.md").read_text(encoding="utf-8")
    assert f"## {hint.split(chr(34))[1]}\n" in readme
    assert hint_for("tests.test_workbook", "workbook") == ""
