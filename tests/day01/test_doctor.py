"""doctor's checks called one by one: each returns a ``Check(status, message)`` whose status
is PASS, WARN or FAIL, and whose message says what was found."""

import re
import shutil
import subprocess
import sys

import pytest

from tests.network import free_port
from tests.workbook import Workbook


@pytest.fixture
def doctor(workbook, day):
    """The doctor module of the day under test."""
    return workbook.load(day, "doctor")


@pytest.mark.parametrize(
    "version, status",
    [((3, 11, 0), "PASS"), ((3, 13, 2), "PASS"), ((4, 0, 0), "PASS"), ((3, 10, 14), "FAIL")],
)
def test_check_python_passes_3_11_or_newer_and_fails_older(doctor, version, status):
    check = doctor.check_python(version)
    assert check.status == status
    assert ".".join(map(str, version)) in check.message and "3.11" in check.message


@pytest.mark.parametrize("url", ["sqlite:///blog.db", "sqlite:////srv/blog.db"])
def test_check_database_passes_sqlite_which_needs_no_server(doctor, url):
    assert doctor.check_database(url).status == "PASS"


@pytest.mark.parametrize("url", ["sqlite3:///blog.db", "postgresql://localhost/blog"])
def test_check_database_fails_a_scheme_the_course_does_not_use(doctor, url):
    check = doctor.check_database(url)
    assert check.status == "FAIL"
    assert url.split(":")[0] in check.message


def test_check_database_warns_where_nothing_listens_and_hides_the_password(doctor):
    port = free_port()  # bound, then closed: nothing listens on it
    check = doctor.check_database(f"mysql://root:s3cret@127.0.0.1:{port}/blog")
    assert check.status == "WARN"
    assert f"127.0.0.1:{port}" in check.message and "Can't connect" in check.message
    assert "s3cret" not in check.message


@pytest.mark.mysql
def test_check_database_warns_naming_a_user_the_server_refuses(doctor, mysql_server):
    url = f"mysql://nobody-here:@{mysql_server.host}:{mysql_server.port}/"
    check = doctor.check_database(url)
    assert check.status == "WARN"
    assert "Access denied" in check.message and "nobody-here" in check.message


@pytest.mark.mysql
def test_check_database_warns_naming_a_database_the_server_lacks(doctor, mysql_server):
    check = doctor.check_database(mysql_server.url("no_such_database_here"))
    assert check.status == "WARN"
    assert "no_such_database_here" in check.message


@pytest.mark.mysql
def test_check_database_asks_the_host_the_url_names(doctor, mysql_server):
    # The server's own port and login, on a host that does not exist: nothing can answer.
    server = mysql_server
    url = f"mysql://{server.user}:{server.password}@no-such-host.invalid:{server.port}/"
    check = doctor.check_database(url)
    assert check.status == "WARN"
    assert "no-such-host.invalid" in check.message


@pytest.mark.mysql
def test_check_database_without_a_port_asks_port_3306(doctor, mysql_server):
    if mysql_server.port != 3306:
        pytest.skip(f"the MySQL server under test listens on {mysql_server.port}, not on 3306")
    server = mysql_server
    check = doctor.check_database(f"mysql://{server.user}:{server.password}@{server.host}/")
    assert check.status == "PASS", check.message


# attrs (which aiohttp needs) installs two modules, attr and attrs: its own name wins.
@pytest.mark.parametrize(
    "distribution, shown",
    [("aiohttp", "aiohttp "), ("attrs", "attrs "), ("markdown-it-py", "(imported as markdown_it)")],
)
def test_check_package_passes_an_installed_package_with_its_version(doctor, distribution, shown):
    check = doctor.check_package(distribution)
    assert check.status == "PASS"
    assert shown in check.message and re.search(r"\d+\.\d+", check.message)
    # A package imported under its own name needs no "imported as".
    assert ("imported as" in check.message) == (distribution == "markdown-it-py")


def test_check_package_fails_a_missing_package_saying_how_to_install_it(doctor):
    check = doctor.check_package("no-such-package-for-the-doctor", "requirements-dev.txt")
    assert check.status == "FAIL"
    assert "no-such-package-for-the-doctor" in check.message
    assert "pip install -r requirements-dev.txt" in check.message


def test_check_python_shows_the_version_of_the_python_running_it(doctor):
    check = doctor.check_python()
    v = sys.version_info
    assert check.status == "PASS"
    assert check.message.startswith(f"Python {v.major}.{v.minor}.{v.micro} ")


def test_check_database_fails_a_url_whose_port_is_not_a_number(doctor):
    check = doctor.check_database("mysql://root:@127.0.0.1:port/blog")
    assert check.status == "FAIL"
    assert "not a valid URL" in check.message


def test_check_sqlite_fails_on_a_python_built_without_sqlite3(doctor, monkeypatch):
    monkeypatch.setitem(sys.modules, "sqlite3", None)  # `import sqlite3` now raises ImportError
    check = doctor.check_sqlite()
    assert check.status == "FAIL" and "sqlite3" in check.message


def test_check_database_only_warns_when_pymysql_is_not_installed(doctor, monkeypatch):
    monkeypatch.setitem(sys.modules, "pymysql", None)  # `import pymysql` now raises ImportError
    check = doctor.check_database("mysql://root:@127.0.0.1:3306/")
    assert check.status == "WARN" and "PyMySQL" in check.message


def doctor_in_a_copy(workbook, day, root, requirements: str | None) -> subprocess.CompletedProcess:
    """Run ``doctor`` on a copy of the day folder alone under ``root``, beside a
    requirements.txt holding ``requirements`` (or none)."""
    shutil.copytree(workbook.folder(day), root / day, ignore=shutil.ignore_patterns("__pycache__"))
    if requirements is not None:
        (root / "requirements.txt").write_text(requirements, encoding="utf-8")
    command = Workbook(root).command(day, "doctor")
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_doctor_checks_the_requirements_txt_beside_the_day_folder(workbook, day, tmp_path):
    result = doctor_in_a_copy(workbook, day, tmp_path, "aiohttp\nno-such-package-for-the-doctor\n")
    assert result.returncode == 1, result.stdout + result.stderr
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1 and "no-such-package-for-the-doctor" in failed[0]


def test_doctor_in_a_day_folder_copied_alone_checks_the_courses_packages(workbook, day, tmp_path):
    result = doctor_in_a_copy(workbook, day, tmp_path, None)
    assert result.returncode == 0, result.stdout + result.stderr
    passed = [line for line in result.stdout.splitlines() if line.startswith("PASS")]
    for name in ("aiohttp", "aiomysql", "aiosqlite", "jinja2"):
        assert any(name in line for line in passed), f"no PASS line for {name}"


def test_doctor_fails_naming_a_requirements_file_it_cannot_read(workbook, day, tmp_path):
    missing = tmp_path / "missing.txt"
    command = workbook.command(day, "doctor", "--requirements", str(missing))
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1 and "missing.txt" in failed[0]
