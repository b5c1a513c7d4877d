"""``python -m course sizes``: each day asks for no more code than a student can write in a day."""

import subprocess
import sys

import pytest

from course import sizes
from tests.workbook import REPO


def test_every_day_and_every_part_of_day6_is_within_its_size_target(workbook):
    if not workbook.is_reference:
        pytest.skip("the size targets are the reference workbook's")
    result = subprocess.run(
        [sys.executable, "-m", "course", "sizes"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


PARTS = """# Day 6

## Part 1: pages

### New ideas

### The files

- `pages.py`: new.

### Check it

## Part 2: accounts

### The files

- `accounts.py`: new.
"""


@pytest.fixture
def tiny_workbook(tmp_path):
    """Day 5 with one module; day 6 changes it by one line and adds two, in two parts."""
    write(tmp_path / "day05_web" / "pages.py", "a = 1\nb = 2\n")
    write(tmp_path / "day06_final" / "pages.py", "a = 1\nb = 3\n")
    write(tmp_path / "day06_final" / "accounts.py", "x = 1\n" * 700)
    write(tmp_path / "day06_final" / "templates" / "base.html", "<p>\n</p>\n")
    write(tmp_path / "day06_final" / "README.md", PARTS)
    return tmp_path


def test_a_part_counts_the_lines_its_files_add_and_is_over_past_600(tiny_workbook, capsys):
    assert sizes.main(["--root", str(tiny_workbook)]) == 1
    rows = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    assert "day06_final vs day05_web (in parts, below) 701 2" in rows
    assert "day06_final Part 1: pages 1 0 <= 600 ok" in rows
    assert "day06_final Part 2: accounts 700 0 <= 600 over" in rows


def test_a_day6_python_file_in_no_part_is_an_error_that_says_where_to_list_it(
    tiny_workbook, capsys
):
    write(tiny_workbook / "day06_final" / "throttle.py", "limit = 5\n")
    assert sizes.main(["--root", str(tiny_workbook)]) == 2
    error = capsys.readouterr().err
    assert "day06_final/throttle.py differs from day05_web but belongs to no part" in error
    assert "\"- `throttle.py`: what it adds and why\" under '### The files'" in error


def test_a_file_listed_in_two_parts_is_an_error(tiny_workbook, capsys):
    readme = PARTS + "- `pages.py`: again.\n"
    write(tiny_workbook / "day06_final" / "README.md", readme)
    assert sizes.main(["--root", str(tiny_workbook)]) == 2
    assert "`pages.py` is listed in both 'Part 1: pages' and 'Part 2: accounts'" in (
        capsys.readouterr().err
    )
