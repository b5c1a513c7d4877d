"""Checks on the workbook as a whole: each day's README tells the truth, and the code is clean."""

import itertools
import re
import shutil
import subprocess
import sys

import pytest

from course.sizes import day6_parts
from tests.workbook import DAYS

IGNORED_DIRS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints", ".ruff_cache", "instance"}
IGNORED_SUFFIXES = {".pyc", ".db", ".db-journal", ".db-wal", ".db-shm"}
LESSON_TEXTS = {"README.md", "NOTES.md"}  # each day's own words, not code carried forward


def day_files(folder) -> dict[str, bytes]:
    """Every file a student would copy with the day, by its path inside the day folder."""
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_dir() or IGNORED_DIRS.intersection(relative.parts):
            continue
        if path.suffix in IGNORED_SUFFIXES or relative.as_posix() in LESSON_TEXTS:
            continue
        files[relative.as_posix()] = path.read_bytes()
    return files


def listed_changes(readme: str, previous: str) -> set[str]:
    """The paths listed under the README's heading '## What changed since <previous>'."""
    match = re.search(
        rf"^## What changed since {previous}\b.*?$(.*?)(?=^## |\Z)", readme, re.M | re.S
    )
    assert match, f"the README has no '## What changed since {previous}' section"
    return set(re.findall(r"^[-*] `([^`]+)`", match.group(1), re.M))


def changed_files(workbook, previous: str, current: str) -> set[str]:
    """The files of ``current`` that are new, removed or different since ``previous``."""
    before = day_files(workbook.folder(previous))
    after = day_files(workbook.folder(current))
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


@pytest.mark.parametrize("previous, current", list(itertools.pairwise(DAYS)))
def test_each_day_readme_names_exactly_the_files_changed_since_the_day_before(
    workbook, previous, current
):
    if not (workbook.has(previous) and workbook.has(current)):
        pytest.skip(f"needs both {previous}/ and {current}/ under {workbook.root}")
    changed = changed_files(workbook, previous, current)
    readme = (workbook.folder(current) / "README.md").read_text(encoding="utf-8")
    listed = listed_changes(readme, previous)
    assert sorted(changed - listed) == [], "changed files the README does not name"
    assert sorted(listed - changed) == [], "files the README names that did not change"


def readme_sections(readme: str) -> dict[str, str]:
    """The README's ``## `` sections by heading, in order (a line in a code block is no heading)."""
    sections: dict[str, str] = {}
    heading, fenced = None, False
    for line in readme.splitlines(keepends=True):
        fenced ^= line.startswith("```")
        if not fenced and line.startswith("## "):
            heading = line[3:].strip()
            sections[heading] = ""
        elif heading is not None:
            sections[heading] += line
    return sections


def lesson_shape(day: str) -> list[str]:
    """The ``## `` headings every lesson README has, in this order (day 6's parts excepted)."""
    index = DAYS.index(day)
    changes = f"What changed since {DAYS[index - 1]}" if index else "The files"
    shape = ["What you will build", "New ideas", changes, "Run it", "Check it"]
    return [*shape, "Build it yourself", "Exercises"]


def reference_readme(workbook, day: str) -> str:
    if not workbook.is_reference:
        pytest.skip("the lessons' shape is checked on the reference workbook")
    return (workbook.folder(day) / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("day", DAYS)
def test_each_day_readme_is_a_lesson_in_the_course_shape(workbook, day):
    sections = readme_sections(reference_readme(workbook, day))
    headings = [h for h in sections if not re.match(r"Part \d+: ", h)]
    assert headings == lesson_shape(day), "the README's ## headings, in order"
    assert f"pytest tests/{day}" in sections["Check it"], "Check it names the day's pytest command"
    build = sections["Build it yourself"]
    assert "../README.md#build-it-yourself" in build, "Build it yourself links the root README"
    if day == "day01":
        assert "empty folder" in build, "day 1 starts from an empty folder"
    else:
        assert f"python -m course starter {day} DEST" in build, "the day's starter command"
    exercises = re.findall(r"^\d+\. ", sections["Exercises"], re.M)
    assert 2 <= len(exercises) <= 3, "two or three numbered exercises"


def test_day6_readme_is_taught_in_parts_each_with_its_ideas_files_and_check(workbook):
    sections = readme_sections(reference_readme(workbook, "day06_final"))
    headings = list(sections)
    parts = [h for h in headings if re.match(r"Part \d+: ", h)]
    assert [p.split(":")[0] for p in parts] == [f"Part {n}" for n in range(1, len(parts) + 1)]
    assert len(parts) >= 2, "day 6 is taught in parts"
    first = headings.index(parts[0])
    assert headings[first - 1] == "New ideas" and headings[first + len(parts)].startswith(
        "What changed since"
    ), "the parts come together, after New ideas and before What changed"
    for part in parts:
        subsections = re.findall(r"^### ([^\n]+?)\s*$", sections[part], re.M)
        assert subsections[:3] == ["New ideas", "The files", "Check it"], part
        assert "pytest tests/day06_final" in sections[part].split("### Check it")[1], part


def test_every_file_day6_changes_belongs_to_exactly_one_of_its_parts(workbook):
    readme = reference_readme(workbook, "day06_final")
    changed = changed_files(workbook, "day05_web", "day06_final")
    listed = [name for files in day6_parts(readme).values() for name in files]
    assert sorted(name for name in set(listed) if listed.count(name) > 1) == [], "in two parts"
    assert sorted(changed - set(listed)) == [], "changed files in no part's '### The files'"
    assert sorted(set(listed) - changed) == [], "files a part names that did not change"


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_the_reference_code_is_clean_under_ruff(workbook, command):
    if not workbook.is_reference:
        pytest.skip("lint checks the reference workbook, not a submitted copy")
    ruff = shutil.which("ruff") or pytest.fail("ruff is not installed (requirements-dev.txt)")
    result = subprocess.run([ruff, *command, str(workbook.root)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_day_runs_as_a_module_from_the_root(workbook):
    if not workbook.is_reference:
        pytest.skip("the layout check is for the reference workbook")
    for day in DAYS:
        folder = workbook.root / day
        for name in ("__init__.py", "__main__.py", "README.md"):
            assert (folder / name).is_file(), f"{day}/{name} is missing"
    assert sys.version_info >= (3, 11)
