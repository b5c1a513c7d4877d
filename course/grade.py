"""``python -m course grade SUBMISSIONS --day DAY``: grade a folder of submissions, one by one.

Each subfolder of SUBMISSIONS is a student. Each is checked in processes of its own: first its
day's modules are imported, with a short time limit, then the day's checks run (pytest with
``--workbook-root``, its own temporary folder and databases, a time limit for the whole run).
A submission without the day, one that does not import (a syntax error, a missing name, a loop
at import time), or one whose checks outrun the limit gets a row scoring 0 with the reason, and
the batch goes on. At the end OUT holds gradebook.csv (a row per student and day), and per
student <student>.json (every check and the scores), <student>/results.json (Gradescope's
format) and <student>/pytest.log.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tqdm import tqdm

from tests.grading import (
    Check,
    csv_rows,
    one_line,
    write_csv,
    write_gradescope,
    write_json,
)
from tests.workbook import DAYS, REPO, Workbook

# Run in a process of its own: import the day package, then each of its modules, saying which
# one it is about to import, so that a loop at import time is named in the reason. The
# process's time limit is the one that counts, not the loader's own.
IMPORT_CHECK = """
import sys
sys.path.insert(0, sys.argv[1])
from tests import workbook as loader
loader.IMPORT_SECONDS = 10**6
workbook = loader.Workbook(sys.argv[2])
workbook.install()
for module in [None, *sys.argv[4:]]:
    print(module or "__init__", flush=True)
    try:
        workbook.load(sys.argv[3], module)
    except BaseException as exc:
        sys.exit(f"{type(exc).__name__}: {exc}")
"""


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m course grade", description=__doc__)
    parser.add_argument("submissions", type=Path, help="a folder with one subfolder per student")
    parser.add_argument("--day", required=True, choices=DAYS, help="the day to grade")
    parser.add_argument("--out", type=Path, default=Path("grades"), help="default: grades/")
    parser.add_argument(
        "--timeout",
        type=float,
        default=600,
        metavar="S",
        help="seconds one student's checks may take in all (default: 600)",
    )
    parser.add_argument(
        "--import-timeout",
        type=float,
        default=30,
        metavar="S",
        help="seconds importing one student's day may take (default: 30)",
    )
    parser.add_argument(
        "--grade-tiers",
        choices=("lesson", "both"),
        default="lesson",
        help="what the score counts: the day's own lesson checks (default), or both tiers",
    )
    parser.add_argument("-k", metavar="EXPRESSION", help="run only the checks pytest's -k selects")
    return parser.parse_args(argv)


class Grader:
    """Grades one day for each student in turn and keeps the rows of the gradebook."""

    def __init__(self, options: argparse.Namespace, scratch: Path):
        self.options, self.scratch = options, scratch
        self.day = options.day
        self._reference_checks: list[Check] | None = None

    def pytest(self, *args: str) -> list[str]:
        command = [sys.executable, "-m", "pytest", f"tests/{self.day}", "-q"]
        command += ["-p", "no:cacheprovider", "--grade-tiers", self.options.grade_tiers, *args]
        return command + (["-k", self.options.k] if self.options.k else [])

    def reference_checks(self) -> list[Check]:
        """The day's checks, as collected (not run) from the reference: what a 0 is out of."""
        if self._reference_checks is None:
            listing = self.scratch / "reference.json"
            command = self.pytest("--collect-only", "--grade-json", str(listing))
            command += ["--workbook-root", str(REPO)]
            subprocess.run(command, cwd=REPO, capture_output=True, timeout=300, env=environment())
            payload = json.loads(listing.read_text(encoding="utf-8"))
            self._reference_checks = [Check(**check) for check in payload["checks"]]
        return self._reference_checks

    def grade(self, student: str, folder: Path) -> tuple[dict, str]:
        """Grade one submission: (its day's scores, the reason it scores 0, or "")."""
        reason = self.why_it_cannot_run(folder) or self.run_checks(student, folder)
        if not reason and self.day not in self.scores_of(student):
            reason = "none of the day's checks ran"
        if reason:
            self.write_zero(student, folder, reason)
        return self.scores_of(student)[self.day], reason

    def scores_of(self, student: str) -> dict:
        path = self.options.out / f"{student}.json"
        return json.loads(path.read_text(encoding="utf-8"))["days"]

    def why_it_cannot_run(self, folder: Path) -> str:
        workbook = Workbook(folder)
        if not workbook.has(self.day):
            return f"no {self.day}/ folder in the submission"
        files = workbook.folder(self.day).glob("*.py")
        modules = sorted(p.stem for p in files if p.stem not in ("__init__", "__main__"))
        command = [sys.executable, "-c", IMPORT_CHECK, str(REPO), str(folder), self.day, *modules]
        try:
            done = subprocess.run(
                command,
                cwd=self.scratch,
                capture_output=True,
                text=True,
                timeout=self.options.import_timeout,
                env=environment(),
            )
        except subprocess.TimeoutExpired as exc:
            # What was printed before the limit: the module being imported comes last.
            printed = exc.stdout or b""
            if isinstance(printed, bytes):
                printed = printed.decode(errors="replace")
            module = printed.split()[-1] if printed.split() else "__init__"
            limit = f"{self.options.import_timeout:g} s"
            return f"importing {self.day}/{module}.py did not return within {limit}"
        if done.returncode != 0:
            module = done.stdout.split()[-1] if done.stdout.split() else "__init__"
            error = one_line(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "")
            return f"{self.day}/{module}.py does not import: {error}"
        return ""

    def run_checks(self, student: str, folder: Path) -> str:
        """Run the day's checks on the submission; "" when they ran, else why they did not."""
        out = self.options.out
        (out / student).mkdir(parents=True, exist_ok=True)
        (out / f"{student}.json").unlink(missing_ok=True)
        command = self.pytest(
            "--workbook-root",
            str(folder),
            "--basetemp",
            str(self.scratch / student),
            "--grade-student",
            student,
            "--grade-json",
            str((out / f"{student}.json").resolve()),
            "--gradescope",
            str((out / student / "results.json").resolve()),
        )
        with open(out / student / "pytest.log", "wb") as log:
            process = subprocess.Popen(
                command,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=environment(),
            )
            try:
                process.wait(timeout=self.options.timeout)
            except subprocess.TimeoutExpired:
                stop(process)
                return f"the checks did not finish within {self.options.timeout:g} s"
        if not (out / f"{student}.json").is_file():
            tail = (out / student / "pytest.log").read_text(errors="replace").strip()
            last = tail.splitlines()[-1] if tail else f"exit status {process.returncode}"
            return f"the checks did not run: {one_line(last)}"
        return ""

    def write_zero(self, student: str, folder: Path, reason: str) -> None:
        """Every check failed for one reason: the JSON and results.json a 0 comes with."""
        checks = [
            Check(**{**vars(check), "status": "failed", "message": reason})
            for check in self.reference_checks()
        ]
        tiers = self.options.grade_tiers
        out = self.options.out
        write_json(out / f"{student}.json", student, str(folder), checks, tiers)
        write_gradescope(out / student / "results.json", checks, tiers)


def stop(process: subprocess.Popen) -> None:
    """End the checks and everything they started (servers, subprocesses), as Ctrl+C would:
    pytest then tears down, dropping its databases; whatever is still running 10 s later is
    killed."""
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def environment() -> dict[str, str]:
    """The environment the checks run in: the submission is named by --workbook-root alone."""
    return {key: value for key, value in os.environ.items() if key != "WORKBOOK_ROOT"}


def main(argv: list[str]) -> int:
    options = parse(argv)
    if not options.submissions.is_dir():
        print(f"grade: {options.submissions} is not a folder", file=sys.stderr)
        return 2
    students = sorted(
        p for p in options.submissions.iterdir() if p.is_dir() and not p.name.startswith(".")
    )
    if not students:
        print(f"grade: no submission folders in {options.submissions}", file=sys.stderr)
        return 2
    options.out.mkdir(parents=True, exist_ok=True)
    rows, started = [], time.monotonic()
    with tempfile.TemporaryDirectory(prefix="course-grade-") as scratch:
        grader = Grader(options, Path(scratch))
        bar = tqdm(students, desc=f"grading {options.day}", unit="student", file=sys.stderr)
        for folder in bar:
            bar.set_postfix_str(folder.name)
            day_scores, reason = grader.grade(folder.name, folder.resolve())
            row = csv_rows(folder.name, {options.day: day_scores}, note=reason)
            # Written student by student: a batch cut short keeps the grades it has given.
            write_csv(options.out / "gradebook.csv", row)
            rows += row
    print_table(rows)
    print(f"{len(students)} graded in {time.monotonic() - started:.0f} s;", end=" ")
    print(f"gradebook: {options.out / 'gradebook.csv'}")
    return 0


def print_table(rows: list[dict]) -> None:
    """The batch's grades, one line per student, as the gradebook has them."""
    header = ("student", "score", "lesson", "production", "carried", "skipped", "note")
    lines = [header]
    for row in rows:
        lines.append(
            (
                row["student"],
                "-" if row["score"] == "" else f"{row['score']:g}%",
                f"{row['lesson_passed']}/{row['lesson_total']}",
                f"{row['production_passed']}/{row['production_total']}",
                f"{row['carried_passed']}/{row['carried_total']}",
                str(row["skipped"]),
                row["note"],
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    for line in lines:
        cells = [line[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(line[1:-1], widths[1:], strict=True)]
        print("  ".join([*cells, line[-1]]).rstrip())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
