"""The grade book: one result per check, each day scored on its own work, and the exports.

Every check gets a name in words, its day, its tier (``production`` when marked so, else
``lesson``), whether it is the day's own work or a carried-forward re-check of an earlier
day's file, its status, and, when it fails, one line saying what went wrong and a hint naming
the README section to reread. A day's grade is its own lesson checks (``--grade-tiers both``
adds its own production checks); carried-forward checks are a column of their own.
"""

from __future__ import annotations

import csv
import functools
import json
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

from tests.workbook import DAYS, REPO

TESTS = Path(__file__).resolve().parent
ROWS = (*DAYS, "notebooks", "workbook")
TIERS = ("lesson", "both")

# Which README section a failed check sends the student back to. A section of the day's README
# that names the check's file (day 6's parts do) comes first; then these, per test module, the
# first heading its README has; then the day's new ideas.
HINTS = {
    "day01.test_cli": ["Run it"],
    "day02.test_trace": ["The nine steps in today's code"],
    "day03_orm.test_orm": ["A walk through `orm.py`"],
    "day03_orm.test_demo": ["Run it"],
    "day04_models.test_cli": ["Run it"],
    "day05_web.test_coroweb": ["How coroweb fills a handler's arguments"],
    "day05_web.test_app": ["What a handler may return"],
    "day05_web.test_site": ["Run it"],
}
NEW_IDEAS = ["New ideas", "The new ideas", "What you will build", "What you will build today"]
CSV_FIELDS = [
    "student",
    "day",
    "graded",
    "score",
    "lesson_passed",
    "lesson_total",
    "production_passed",
    "production_total",
    "carried_passed",
    "carried_total",
    "skipped",
    "note",
]


@dataclass
class Check:
    """One check's result, as every export shows it."""

    id: str
    name: str
    day: str
    tier: str
    carried_forward: bool
    status: str = "not run"
    message: str = ""
    hint: str = ""


def row_of(path: Path) -> str:
    """The score-table row a test file belongs to: its folder under tests/, or 'workbook'."""
    parts = Path(path).resolve().relative_to(TESTS).parts
    return parts[0] if len(parts) > 1 else "workbook"


def in_words(test_name: str) -> str:
    """``test_a_user_is_saved[sqlite]`` -> ``a user is saved [sqlite]``."""
    base, bracket, params = test_name.partition("[")
    words = base.removeprefix("test_").replace("_", " ").strip()
    return f"{words} [{params}" if bracket else words


@functools.cache
def readme_sections(day: str, levels: str = "2,4") -> list[tuple[str, str]]:
    """(heading, text up to the next heading) for the headings of ``levels`` in a README."""
    readme = REPO / day / "README.md"
    if not readme.is_file():
        return []
    heading = re.compile(rf"^#{{{levels}}} (.+)$", re.MULTILINE)
    parts = heading.split(readme.read_text(encoding="utf-8"))
    return [(parts[i].strip(), parts[i + 1]) for i in range(1, len(parts) - 1, 2)]


def hint_for(module: str, row: str) -> str:
    """The README section to reread for a check defined in ``module`` (``tests.day03_orm.x``)."""
    day, _, name = ".".join(module.split(".")[-2:]).partition(".")
    if day not in DAYS:
        if row not in DAYS:
            return ""
        day = row
    parts = readme_sections(day, "2")
    naming = [h for h, text in parts if h.startswith("Part ") and f"/{name}.py" in text]
    headings = [h for h, _ in readme_sections(day)]
    wanted = [*HINTS.get(f"{day}.{name}", []), *NEW_IDEAS]
    found = naming or [h for h in wanted if h in headings]
    if found:
        return f'reread {day}/README.md, "{found[0]}"'
    return f"reread {day}/README.md"


def one_line(text: str, limit: int = 200) -> str:
    """The line of a failure that says what was expected and what came back, trimmed."""
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    if not lines:
        return ""
    line = lines[0].removeprefix("AssertionError: ")
    if line.startswith("Traceback (most recent call last)"):
        # A message carrying a traceback (a subprocess's stderr) says what happened on its
        # last line, before pytest's own explanation of the assertion ("assert 1 == 0").
        end = next((i for i, text in enumerate(lines) if text.startswith("assert ")), len(lines))
        line = lines[max(end - 1, 0)]
    return line if len(line) <= limit else line[: limit - 1] + "…"


def report_message(report: pytest.TestReport) -> str:
    """One line for a failed or skipped phase of a test."""
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple):
        return one_line(longrepr[2].removeprefix("Skipped: "))
    crash = getattr(longrepr, "reprcrash", None)
    message = one_line(crash.message if crash is not None else str(longrepr))
    return f"in {report.when}: {message}" if report.when != "call" else message


def empty_counts() -> dict[str, Counter]:
    return {"lesson": Counter(), "production": Counter(), "carried_forward": Counter()}


def scores(checks: list[Check], tiers: str = "lesson") -> dict[str, dict]:
    """Per row (day): lesson, production and carried-forward passed/total, skipped, the score.

    A skipped or not-run check counts in neither passed nor total.
    """
    counts: dict[str, dict[str, Counter]] = {}
    skipped: Counter = Counter()
    for check in checks:
        if check.status not in ("passed", "failed"):
            skipped[check.day] += check.status == "skipped"
            counts.setdefault(check.day, empty_counts())
            continue
        column = "carried_forward" if check.carried_forward else check.tier
        tally = counts.setdefault(check.day, empty_counts())[column]
        tally["total"] += 1
        tally["passed"] += check.status == "passed"
    table = {}
    for row in sorted(counts, key=lambda r: (ROWS.index(r) if r in ROWS else len(ROWS), r)):
        columns = {
            name: {"passed": c["passed"], "total": c["total"]} for name, c in counts[row].items()
        }
        graded = ["lesson", "production"] if tiers == "both" else ["lesson"]
        passed = sum(columns[t]["passed"] for t in graded)
        total = sum(columns[t]["total"] for t in graded)
        table[row] = {
            **columns,
            "skipped": skipped[row],
            "graded": "+".join(graded),
            # Rounded down: 100 only when every graded check passed.
            "score": math.floor(1000 * passed / total) / 10 if total else None,
        }
    return table


# --- exports ------------------------------------------------------------------------------


def _create(path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_json(path, student: str, root: str, checks: list[Check], tiers: str) -> None:
    payload = {
        "student": student,
        "workbook_root": root,
        "graded": "lesson+production" if tiers == "both" else "lesson",
        "days": scores(checks, tiers),
        "checks": [asdict(check) for check in checks],
    }
    _create(path).write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", "utf-8")


def csv_rows(student: str, table: dict[str, dict], note: str = "") -> list[dict]:
    """The gradebook's rows for one student: one per day in the table."""
    rows = []
    for day, n in table.items():
        if day not in DAYS:
            continue
        rows.append(
            {
                "student": student,
                "day": day,
                "graded": n["graded"],
                "score": "" if n["score"] is None else n["score"],
                "lesson_passed": n["lesson"]["passed"],
                "lesson_total": n["lesson"]["total"],
                "production_passed": n["production"]["passed"],
                "production_total": n["production"]["total"],
                "carried_passed": n["carried_forward"]["passed"],
                "carried_total": n["carried_forward"]["total"],
                "skipped": n["skipped"],
                "note": note,
            }
        )
    return rows


def write_csv(path, rows: list[dict]) -> None:
    """Add rows to the gradebook at ``path``: a row replaces an earlier one for its student and
    day, the others stay, so a loop over students (or a second run) keeps one row each."""
    path = _create(path)
    kept = []
    if path.exists() and path.stat().st_size:
        with path.open(newline="", encoding="utf-8") as existing:
            new = {(row["student"], row["day"]) for row in rows}
            kept = [r for r in csv.DictReader(existing) if (r["student"], r["day"]) not in new]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows([*kept, *rows])


def gradescope_results(checks: list[Check], tiers: str) -> dict:
    """Gradescope's results.json: one point per graded check; the others are shown at 0/0."""
    table = scores(checks, tiers)
    graded = {"lesson", "production"} if tiers == "both" else {"lesson"}
    tests = []
    # The graded checks first, in the order they ran.
    for check in sorted(checks, key=lambda c: c.carried_forward or c.tier not in graded):
        if check.status not in ("passed", "failed"):
            continue
        counts = not check.carried_forward and check.tier in graded
        kind = "carried forward" if check.carried_forward else check.tier
        output = check.message + (f"\nhint: {check.hint}" if check.hint else "")
        tests.append(
            {
                "name": f"{check.day} · {kind} · {check.name}",
                "score": 1 if counts and check.status == "passed" else 0,
                "max_score": 1 if counts else 0,
                "status": check.status,
                "output": output if check.status == "failed" else "",
                "visibility": "visible",
            }
        )
    lines = [summary_line(day, n) for day, n in table.items()]
    return {
        "score": sum(t["score"] for t in tests),
        "max_score": sum(t["max_score"] for t in tests),
        "output": "\n".join(lines),
        "visibility": "visible",
        "tests": tests,
    }


def write_gradescope(path, checks: list[Check], tiers: str) -> None:
    payload = json.dumps(gradescope_results(checks, tiers), indent=2, ensure_ascii=False)
    _create(path).write_text(payload + "\n", encoding="utf-8")


def _fraction(count: dict) -> str:
    return f"{count['passed']}/{count['total']}"


def summary_line(day: str, n: dict) -> str:
    score = "-" if n["score"] is None else f"{n['score']:g}%"
    return (
        f"{day}: {score} ({n['graded']} {_fraction(n['lesson'])}), production "
        f"{_fraction(n['production'])}, carried forward {_fraction(n['carried_forward'])}, "
        f"skipped {n['skipped']}"
    )


def add_options(group) -> None:
    group.addoption(
        "--grade-tiers",
        choices=TIERS,
        default="lesson",
        help="what a day's score counts: its own lesson checks (default), or both tiers",
    )
    group.addoption("--grade-json", metavar="FILE", help="write every check and the scores")
    group.addoption(
        "--grade-csv",
        metavar="FILE",
        help="add this student's rows (one per day) to the CSV gradebook FILE",
    )
    group.addoption("--gradescope", metavar="FILE", help="write Gradescope's results.json")
    group.addoption(
        "--grade-student",
        metavar="NAME",
        help="the student's name in the exports; default: the submission's folder name",
    )


class GradeBook:
    """Records one result per check and prints the per-day table and the feedback at the end."""

    FEEDBACK_CHECKS = 40

    def __init__(self, config: pytest.Config, root: Path, is_reference: bool):
        self.config, self.root = config, Path(root)
        self.checks: dict[str, Check] = {}
        self.tiers = config.getoption("--grade-tiers")
        default = "reference" if is_reference else self.root.name
        if self.root.name in DAYS and not is_reference:
            default = self.root.parent.name
        self.student = config.getoption("--grade-student") or default

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session):
        for item in session.items:
            # Where the check is written: a carried-forward check is an earlier day's.
            defined_in = getattr(item, "function", None) or getattr(item, "module", None)
            module = getattr(defined_in, "__module__", None) or getattr(defined_in, "__name__", "")
            row = row_of(item.path)
            self.checks[item.nodeid] = Check(
                id=item.nodeid,
                name=in_words(item.name),
                day=row,
                tier="production" if item.get_closest_marker("production") else "lesson",
                carried_forward=item.path.name == "test_carried_forward.py",
                hint=hint_for(module, row),
            )

    def pytest_runtest_logreport(self, report):
        check = self.checks.get(report.nodeid)
        # A failure in any phase fails the check; a skip in setup or call skips it.
        if check is None or check.status in ("failed", "skipped"):
            return
        if report.failed or report.skipped:
            check.status = "failed" if report.failed else "skipped"
            check.message = report_message(report)
        elif report.when == "call":
            check.status = "passed"

    def results(self) -> list[Check]:
        """The checks that ran (all of them, not run, under --collect-only)."""
        if self.config.option.collectonly:
            return list(self.checks.values())
        return [check for check in self.checks.values() if check.status != "not run"]

    def pytest_terminal_summary(self, terminalreporter):
        checks = self.results()
        write = terminalreporter.write_line
        if self.config.option.collectonly or not checks:
            self.export(write, checks)
            return
        self.write_feedback(terminalreporter, checks)
        terminalreporter.section("workbook grade")
        write(f"copy under test: {self.root}   student: {self.student}")
        graded = "lesson+production" if self.tiers == "both" else "lesson"
        write(
            f"{'day':<14}{'lesson':>10}{'score':>8}{'production':>12}{'carried':>10}{'skipped':>9}"
            f"   (score: own {graded} checks)"
        )
        for row, n in scores(checks, self.tiers).items():
            score = "-" if n["score"] is None else f"{n['score']:g}%"
            write(
                f"{row:<14}{_fraction(n['lesson']):>10}{score:>8}"
                f"{_fraction(n['production']):>12}{_fraction(n['carried_forward']):>10}"
                f"{n['skipped']:>9}"
            )
        self.export(write, checks)

    def write_feedback(self, terminalreporter, checks: list[Check]) -> None:
        failed = [check for check in checks if check.status == "failed"]
        if not failed:
            return
        terminalreporter.section("feedback on the failed checks")
        # The day's own checks first: they are what today's work is graded on.
        failed.sort(key=lambda check: check.carried_forward)
        shown = failed[: self.FEEDBACK_CHECKS]
        for n, check in enumerate(shown):
            kind = "carried forward" if check.carried_forward else check.tier
            terminalreporter.write_line(f"✗ {check.day} · {kind} · {check.name}")
            following = shown[n + 1] if n + 1 < len(shown) else None
            # Checks failing for one reason in a row share their message and hint.
            if following and (following.message, following.hint) == (check.message, check.hint):
                continue
            terminalreporter.write_line(f"    {check.message}")
            if check.hint:
                terminalreporter.write_line(f"    hint: {check.hint}")
        if len(failed) > len(shown):
            more = len(failed) - len(shown)
            terminalreporter.write_line(f"... and {more} more failed checks: see --grade-json")

    def export(self, write, checks: list[Check]) -> None:
        student, tiers = self.student, self.tiers
        exports = {
            "--grade-json": lambda p: write_json(p, student, str(self.root), checks, tiers),
            "--grade-csv": lambda p: write_csv(p, csv_rows(student, scores(checks, tiers))),
            "--gradescope": lambda p: write_gradescope(p, checks, tiers),
        }
        for name, export in exports.items():
            path = self.config.getoption(name)
            if not path:
                continue
            try:
                export(path)
            except OSError as exc:
                write(f"could not write {path} ({name}): {exc}", red=True)
            else:
                write(f"{name} written to {path}")
