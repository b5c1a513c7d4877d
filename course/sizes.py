"""``python -m course sizes``: how much code each day asks a student to write, against its target.

Per day, the Python lines it adds or changes since the day before: the added lines of a unified
diff of the two folders' ``.py`` files (a new file counts whole; READMEs, notes, images and data
are left out). Templates, CSS and JavaScript are counted the same way, in a column of their own.
Then day 3's ``orm.py`` and day 5's ``coroweb.py`` whole, and each part of day 6.

Day 6 is taught in parts, and the part a file belongs to is written in one place: the
``### The files`` list of each ``## Part N: <title>`` section of ``day06_final/README.md``, one
line ``- `path`: ...`` per file. A day-6 Python file that differs from day 5 and is in no part
(or in two) is an error, with a message saying where to add it.

Every figure stands beside its target, with "ok" or "over"; the exit status is 1 when one is
over, 2 when the parts cannot be read. ``--root PATH`` measures another copy of the workbook.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DAYS = ("day01", "day02", "day03_orm", "day04_models", "day05_web", "day06_final")
PYTHON = (".py",)
WEB = (".html", ".css", ".js")
SKIPPED_DIRS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints", ".ruff_cache", "instance"}

DAY_TARGET = 450  # days 2-5, new or changed Python lines
PART_TARGET = 600  # each part of day 6
WHOLE_FILE_TARGETS = {("day03_orm", "orm.py"): 400, ("day05_web", "coroweb.py"): 250}


class PartsError(Exception):
    """Day 6's README does not assign its changed Python files to its parts one to one."""


@dataclass
class Row:
    label: str
    python: int
    web: int | None = None
    target: int | None = None

    @property
    def over(self) -> bool:
        return self.target is not None and self.python > self.target

    def format(self, width: int = 44) -> str:
        web = "" if self.web is None else str(self.web)
        if self.target is None:
            verdict = ""
        else:
            verdict = f"<= {self.target:<4} {'over' if self.over else 'ok'}"
        return f"{self.label:<{width}} {self.python:>6} {web:>6}  {verdict}".rstrip()


def files_of(folder: Path, suffixes: tuple[str, ...]) -> dict[str, Path]:
    """The day's files with one of ``suffixes``, by their path inside the day folder."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and path.suffix in suffixes and not SKIPPED_DIRS & set(relative.parts):
            found[relative.as_posix()] = path
    return found


def lines_of(path: Path | None) -> list[str]:
    return [] if path is None else path.read_text(encoding="utf-8").splitlines()


def added_lines(before: Path | None, after: Path | None) -> int:
    """The lines a unified diff from ``before`` to ``after`` adds (a missing file is empty)."""
    diff = difflib.unified_diff(lines_of(before), lines_of(after), lineterm="", n=0)
    return sum(1 for line in diff if line.startswith("+") and not line.startswith("+++"))


def added_per_file(old: Path | None, new: Path, suffixes: tuple[str, ...]) -> dict[str, int]:
    """For each file of day folder ``new`` that differs from ``old``'s, the lines it adds."""
    before = files_of(old, suffixes) if old else {}
    after = files_of(new, suffixes)
    counts = {name: added_lines(before.get(name), path) for name, path in after.items()}
    return {name: count for name, count in counts.items() if count}


def day6_parts(readme: str) -> dict[str, list[str]]:
    """Each ``## Part N: <title>`` of day 6's README, with the files of its ``### The files``."""
    parts = {}
    sections = re.finditer(r"^## (Part \d+: [^\n]+?)\s*\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    for section in sections:
        files = re.search(r"^### The files\s*$(.*?)(?=^##|\Z)", section.group(2), re.M | re.S)
        listed = re.findall(r"^[-*] `([^`]+)`", files.group(1), re.M) if files else []
        parts[section.group(1)] = listed
    return parts


def part_of_each_file(parts: dict[str, list[str]], changed: set[str]) -> dict[str, str]:
    """Map each changed file to its part; raise PartsError for a file in none or in two."""
    owner: dict[str, str] = {}
    problems = []
    for title, files in parts.items():
        for name in files:
            if name in owner:
                problems.append(f"`{name}` is listed in both '{owner[name]}' and '{title}'")
            owner[name] = title
    for name in sorted(changed - owner.keys()):
        problems.append(
            f"day06_final/{name} differs from day05_web but belongs to no part of day 6: add a "
            f"line \"- `{name}`: what it adds and why\" under '### The files' of one "
            "'## Part N: <title>' section of day06_final/README.md (and name it in that "
            "README's '## What changed since day05_web' list)"
        )
    if problems:
        raise PartsError("\n".join(problems))
    return owner


def day_rows(root: Path) -> list[Row]:
    """A row per day, then day 3's orm.py and day 5's coroweb.py, for the workbook at ``root``."""
    rows = []
    previous = None
    for day in DAYS:
        folder = root / day
        if not folder.is_dir():
            previous = None
            continue
        python = sum(added_per_file(previous, folder, PYTHON).values())
        web = sum(added_per_file(previous, folder, WEB).values())
        if previous is None:
            rows.append(Row(f"{day} (all of it)", python, web))
        elif day == "day06_final":
            rows.append(Row(f"{day} vs {previous.name} (in parts, below)", python, web))
        else:
            rows.append(Row(f"{day} vs {previous.name}", python, web, DAY_TARGET))
        previous = folder
    for (day, name), target in WHOLE_FILE_TARGETS.items():
        path = root / day / name
        if path.is_file():
            rows.append(Row(f"{day}/{name} (the whole file)", len(lines_of(path)), None, target))
    return rows


def part_rows(root: Path) -> list[Row]:
    """One row per part of day 6: the Python (and web) lines its files add since day 5."""
    final, before = root / "day06_final", root / "day05_web"
    if not (final.is_dir() and before.is_dir()):
        return []
    python = added_per_file(before, final, PYTHON)
    web = added_per_file(before, final, WEB)
    readme = (final / "README.md").read_text(encoding="utf-8")
    parts = day6_parts(readme)
    if not parts:
        raise PartsError("day06_final/README.md has no '## Part N: <title>' section")
    owner = part_of_each_file(parts, set(python))
    rows = []
    for title in parts:
        py_lines = sum(n for name, n in python.items() if owner.get(name) == title)
        web_lines = sum(n for name, n in web.items() if name in parts[title])
        rows.append(Row(f"  day06_final {title}", py_lines, web_lines, PART_TARGET))
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course sizes",
        description="New or changed lines per day, day 3's orm.py, day 5's coroweb.py and "
        "each part of day 6, against their targets.",
    )
    parser.add_argument("--root", type=Path, default=REPO, help="the workbook (default: this one)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    rows = day_rows(root)
    try:
        parts = part_rows(root)
    except PartsError as error:
        parts, problem = [], str(error)
    else:
        problem = ""
    width = max(len(row.label) for row in [*rows, *parts, Row("new or changed lines", 0)])
    print(f"{'new or changed lines':<{width}} {'python':>6} {'web':>6}  target")
    for row in [*rows, *parts]:
        print(row.format(width))
    if problem:
        print(f"sizes: {problem}", file=sys.stderr)
        return 2
    rows += parts
    over = [row.label.strip() for row in rows if row.over]
    if over:
        print(f"over the target: {', '.join(over)}")
        return 1
    print("every target met")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
