"""The starters (``python -m course starter``): what a student begins each day 2 to 6 with.

A starter is made from the reference: the day before's files plus the day's work as stubs. For
each day it must import, come out the same every time, and fail the day's own lesson checks
with hints. That those checks pass in full on the reference is the day's own suite's job.
"""

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from course import starter
from course._days import files
from tests.network import free_port
from tests.workbook import DAYS, REPO

STARTER_DAYS = DAYS[1:]

# The share of a day's own lesson checks a fresh starter may pass. Day 6's starter comes with
# its templates (a student is not asked to write them), and the checks that render each
# template with sample data pass on it: about 65 of its 675 lesson checks.
MOST_A_STARTER_PASSES = {"day06_final": 0.12}
MOST_A_STARTER_PASSES_OTHERWISE = 0.05
# The check of a stub whose hint is read word for word below.
CHECK_OF_A_STUB = "test_next_id_is_a_string_of_50_characters"


@pytest.fixture(scope="module")
def starters(tmp_path_factory) -> Path:
    """One folder holding the starter of every day from 2 to 6, made from the reference."""
    root = tmp_path_factory.mktemp("starters")
    for day in STARTER_DAYS:
        starter.write(day, root)
    return root


def sqlite_only_environment() -> dict[str, str]:
    """The environment of a check run on SQLite alone: the MySQL URL points at a closed port."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("WORKBOOK_")}
    environment["WORKBOOK_MYSQL_URL"] = f"mysql://root:@127.0.0.1:{free_port()}/"
    return environment


# Only the plugins the checks use (requirements-dev.txt): whatever else is installed (hypothesis,
# pytest-benchmark...) costs a second or two of start-up and has no say in a starter's score.
PLUGINS = ["-p", "pytest_asyncio.plugin", "-p", "pytest_aiohttp.plugin", "-p", "pytest_timeout"]


def run_lesson_checks(day: str, root: Path, tmp_path: Path):
    """Run the day's own lesson checks (not production, not carried forward) on ``root``."""
    report = tmp_path / "checks.xml"
    command = [
        sys.executable,
        "-m",
        "pytest",
        f"tests/{day}",
        "--workbook-root",
        str(root),
        "-m",
        "not production",
        "--ignore",
        f"tests/{day}/test_carried_forward.py",
        "-p",
        "no:cacheprovider",
        *PLUGINS,
        "-q",
        # No tracebacks: on a starter most checks fail, and pytest parses the source of every
        # frame of every traceback (asyncio's and pytest-asyncio's too), which took three
        # quarters of day 6's run. The report and the feedback still carry each failure's
        # message, hint included.
        "--tb=no",
        f"--junitxml={report}",
    ]
    run = subprocess.run(
        command,
        cwd=REPO,
        env=sqlite_only_environment() | {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert report.exists(), f"pytest wrote no report:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return run, ElementTree.parse(report).getroot()


@pytest.fixture(scope="module")
def lesson_checks(starters, tmp_path_factory):
    """``lesson_checks(day)``: the day's own lesson checks, run on its starter once and shared."""
    runs = {}

    def lesson_checks(day: str):
        if day not in runs:
            runs[day] = run_lesson_checks(day, starters, tmp_path_factory.mktemp(day))
        return runs[day]

    return lesson_checks


def outcomes(junit) -> dict[str, int]:
    """passed / failed / skipped over every test case (an error in a fixture is a failure)."""
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for case in junit.iter("testcase"):
        if case.find("skipped") is not None:
            counts["skipped"] += 1
        elif case.find("failure") is not None or case.find("error") is not None:
            counts["failed"] += 1
        else:
            counts["passed"] += 1
    return counts


@pytest.mark.parametrize("day", STARTER_DAYS)
def test_a_starter_holds_the_files_of_its_day(starters, day):
    assert sorted(files(starters / day)) == sorted(files(REPO / day))


@pytest.mark.parametrize("day", STARTER_DAYS)
def test_every_module_of_a_starter_imports(starters, day):
    modules = sorted(p.stem for p in (starters / day).glob("*.py") if p.stem != "__init__")
    script = (
        "import sys\n"
        "from tests.workbook import Workbook\n"
        "workbook = Workbook(sys.argv[1])\n"
        "workbook.install()\n"
        "workbook.load(sys.argv[2])\n"
        "for module in sys.argv[3:]:\n"
        "    workbook.load(sys.argv[2], module)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(starters), day, *modules],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=45,
    )
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("day", STARTER_DAYS)
def test_the_same_reference_makes_a_byte_identical_starter(tmp_path, day):
    first = starter.write(day, tmp_path / "first")
    starter.write(day, tmp_path / "second")
    made = [
        {name: path.read_bytes() for name, path in files(tmp_path / run / day).items()}
        for run in ("first", "second")
    ]
    assert made[0] == made[1]
    assert sum(s.how != "kept" for stubs in first.stubs.values() for s in stubs) > 0


# The first check to ask for a day's results runs its suite in a subprocess: longer than the
# 60 s a single check may take.
@pytest.mark.timeout(300)
@pytest.mark.parametrize("day", STARTER_DAYS)
def test_the_days_own_lesson_checks_mostly_fail_on_its_starter(lesson_checks, day):
    run, junit = lesson_checks(day)
    counts = outcomes(junit)
    graded = counts["passed"] + counts["failed"]
    limit = MOST_A_STARTER_PASSES.get(day, MOST_A_STARTER_PASSES_OTHERWISE)
    assert graded > 0, run.stdout[-3000:]
    assert counts["passed"] / graded <= limit, f"{counts} on {day}'s starter"


@pytest.mark.timeout(300)
def test_a_stub_fails_its_check_with_the_hint_naming_what_to_write_and_where_to_read(
    lesson_checks,
):
    run, junit = lesson_checks("day04_models")
    [case] = [c for c in junit.iter("testcase") if c.get("name") == CHECK_OF_A_STUB]
    failure = case.find("failure")
    assert failure is not None, f"{CHECK_OF_A_STUB} did not fail on day 4's starter"
    hint = "NotImplementedError: day 4: write next_id in models.py (new today); read "
    where = "in day04_models/README.md. A new primary key"
    assert hint in failure.get("message") and where in failure.get("message")
    # What the student reads at the end of the run: the same words, in the feedback.
    assert hint in run.stdout and where in run.stdout


def test_the_starter_refuses_to_overwrite_a_folder_with_files_unless_forced(tmp_path, capsys):
    mine = tmp_path / "day03_orm" / "orm.py"
    mine.parent.mkdir()
    mine.write_text("# my own ORM\n", encoding="utf-8")
    assert starter.main(["day03_orm", str(tmp_path)]) == 1
    assert "--force" in capsys.readouterr().err
    assert mine.read_text(encoding="utf-8") == "# my own ORM\n"
    assert starter.main(["day03_orm", str(tmp_path), "--force"]) == 0
    assert "raise NotImplementedError(" in mine.read_text(encoding="utf-8")


def test_a_function_whose_comments_or_docstring_alone_changed_is_not_the_days_work():
    before = 'def f(x):\n    """Old words."""\n    return x + 1\n\n\ndef g():\n    return 1\n'
    after = (
        'def f(x):\n    """New words."""\n    # a new comment\n    return x + 1\n\n\n'
        "def g():\n    return 2\n\n\ndef h():\n    return 3\n"
    )
    assert starter.new_work(before, after) == {"g": "changed", "h": "new"}


def test_a_stub_keeps_the_signature_decorators_and_docstring():
    source = (
        "class Model:\n"
        "    @classmethod\n"
        "    async def find(cls, pk, *, columns=None) -> dict:\n"
        '        """The row whose key is pk."""\n'
        "        # the secret\n"
        "        return await cls._select(pk)\n"
    )
    hint = starter.Stub("Model.find", "new", "raise", "day 3: write Model.find")
    stubbed = starter.stub_module(source, {"Model.find": hint})
    assert stubbed == (
        "class Model:\n"
        "    @classmethod\n"
        "    async def find(cls, pk, *, columns=None) -> dict:\n"
        '        """The row whose key is pk."""\n'
        "        raise NotImplementedError(\n"
        "            'day 3: write Model.find'\n"
        "        )\n"
    )


def carried_day(tmp_path: Path, day: str) -> Path:
    """A student's own copy of ``day``: the reference, with their own touches."""
    folder = tmp_path / "mine" / day
    shutil.copytree(REPO / day, folder, ignore=shutil.ignore_patterns("__pycache__", "instance"))
    return folder


def test_onto_carries_the_students_own_code_and_stubs_only_what_the_day_changes(tmp_path):
    mine = carried_day(tmp_path, "day04_models")
    # access_log is day 4's and day 5 leaves it as it is; response_factory is day 5's work.
    middlewares = (mine / "middlewares.py").read_text(encoding="utf-8")
    middlewares = middlewares.replace(
        "async def access_log(", "async def access_log(  # mine\n    "
    ).replace("\n\n\n", "\n\n\ndef my_helper():\n    return 42\n\n\n", 1)
    (mine / "middlewares.py").write_text(middlewares, encoding="utf-8")
    (mine / "orm.py").write_text(
        (mine / "orm.py").read_text(encoding="utf-8") + "\n# my notes\n", encoding="utf-8"
    )
    (mine / "extra.py").write_text("ANSWER = 42\n", encoding="utf-8")

    assert starter.main(["day05_web", str(tmp_path / "out"), "--onto", str(mine)]) == 0
    made = tmp_path / "out" / "day05_web"
    assert (made / "orm.py").read_bytes() == (mine / "orm.py").read_bytes()
    assert (made / "extra.py").read_text(encoding="utf-8") == "ANSWER = 42\n"
    assert not (made / "store.py").exists(), "day 5 removes store.py"
    assert "raise NotImplementedError(" in (made / "coroweb.py").read_text(encoding="utf-8")
    carried = (made / "middlewares.py").read_text(encoding="utf-8")
    assert "async def access_log(  # mine" in carried
    assert "def my_helper():" in carried
    assert "write response_factory in middlewares.py" in carried
    # The student's own folder is left exactly as it was.
    assert (mine / "store.py").exists()


def test_onto_never_writes_over_the_folder_it_starts_from_even_when_forced(tmp_path, capsys):
    mine = carried_day(tmp_path, "day03_orm").rename(tmp_path / "mine" / "day04_models")
    assert starter.main(["day04_models", str(mine.parent), "--onto", str(mine), "--force"]) == 1
    assert "is the folder being written" in capsys.readouterr().err
    assert (mine / "orm.py").read_bytes() == (REPO / "day03_orm" / "orm.py").read_bytes()
