"""Checks on the workbook as a whole: each day's README tells the truth, and the code is clean."""

import itertools
import re
import shutil
import subprocess
import sys

import pytest

from tests.workbook import DAYS

IGNORED_DIRS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints", ".ruff_cache", "instance"}
IGNORED_SUFFIXES = {".pyc", ".db", ".db-journal", ".db-wal", ".db-shm"}


def day_files(folder) -> dict[str, bytes]:
    """Every file a student would copy with the day, by its path inside the day folder."""
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_dir() or IGNORED_DIRS.intersection(relative.parts):
            continue
        if path.suffix in IGNORED_SUFFIXES or relative.as_posix() == "README.md":
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


@pytest.mark.parametrize("previous, current", list(itertools.pairwise(DAYS)))
def test_each_day_readme_names_exactly_the_files_changed_since_the_day_before(
    workbook, previous, current
):
    if not (workbook.has(previous) and workbook.has(current)):
        pytest.skip(f"needs both {previous}/ and {current}/ under {workbook.root}")
    before = day_files(workbook.folder(previous))
    after = day_files(workbook.folder(current))
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    readme = (workbook.folder(current) / "README.md").read_text(encoding="utf-8")
    listed = listed_changes(readme, previous)
    assert sorted(changed - listed) == [], "changed files the README does not name"
    assert sorted(listed - changed) == [], "files the README names that did not change"


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
