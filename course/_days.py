"""What the starter and diff commands share: the days in order, a day's files, its README.

A day folder's files are everything under it but what git ignores there (caches, databases,
the instance folder), keyed by their path inside the folder, so two days compare file by file.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DAYS = ("day01", "day02", "day03_orm", "day04_models", "day05_web", "day06_final")
IGNORED_DIRS = {"__pycache__", "instance", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints"}
IGNORED_SUFFIXES = (".pyc", ".db", ".db-journal", ".db-wal", ".db-shm")


def previous(day: str) -> str:
    """The day before ``day``: its starter begins from that day's files."""
    index = DAYS.index(day)
    if index == 0:
        raise ValueError(f"{day} is the first day: it has no day before it")
    return DAYS[index - 1]


def day_number(day: str) -> int:
    return DAYS.index(day) + 1


def files(folder: Path) -> dict[str, Path]:
    """Every file of a day folder, by its path inside the folder (posix), in sorted order."""
    found = {}
    for path in sorted(Path(folder).rglob("*")):
        relative = path.relative_to(folder)
        if any(part in IGNORED_DIRS for part in relative.parts) or not path.is_file():
            continue
        if path.name.endswith(IGNORED_SUFFIXES):
            continue
        found[relative.as_posix()] = path
    return found


def compare(before: Path, after: Path) -> dict[str, str]:
    """Each file of either folder: "added", "removed", "changed" or "same", in path order."""
    old, new = files(before), files(after)
    status = {}
    for name in sorted(old.keys() | new.keys()):
        if name not in old:
            status[name] = "added"
        elif name not in new:
            status[name] = "removed"
        elif old[name].read_bytes() != new[name].read_bytes():
            status[name] = "changed"
        else:
            status[name] = "same"
    return status


HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def sections(readme: str) -> list[tuple[str, str]]:
    """The README's sections (headings of level 2 and below) as (title, text), in order; a
    line inside a fenced code block is never a heading. A subsection's title names its
    section too ("Part 1: Pages and posts, The files"), as several parts may share a title."""
    found: list[tuple[str, list[str]]] = []
    parents: dict[int, str] = {}
    fenced = False
    for line in readme.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match and len(match.group(1)) >= 2:
            level, title = len(match.group(1)), match.group(2)
            parents = {k: v for k, v in parents.items() if k < level}
            parents[level] = title
            found.append((", ".join(parents[k] for k in sorted(parents) if k >= 2), []))
        elif found:
            found[-1][1].append(line)
    return [(title, "\n".join(lines)) for title, lines in found]
