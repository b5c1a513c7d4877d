"""``python -m day01 doctor``: check that this machine is ready for the course.

It prints one line per check (PASS, WARN or FAIL) in two sections, the code the course builds
and the development tools its checks, notebooks and browser tests run on, and exits with status
1 when something either needs is missing. Notice what is only a WARN: an absent MySQL/MariaDB
server (SQLite, which comes with Python, is the default database), Chromium and nginx (the
checks that need them are skipped, with the reason, when they are not installed).
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

PYTHON_NEEDED = (3, 11)
DEFAULT_DB = "mysql://root:@127.0.0.1:3306/"
# The workbook's requirements.txt sits one folder above the day folder. A day folder copied
# on its own has none there, and falls back to this list, which mirrors it.
REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"
PACKAGES = (
    "aiohttp",
    "aiomysql",
    "aiosqlite",
    "jinja2",
    "markdown-it-py",
    "watchfiles",
    "tqdm",
    "gunicorn",
)

# What `pip install -r requirements-dev.txt` adds that a student runs: the checks (pytest and its
# plugins), the notebooks and their slides (Jupyter), and the browser tests (Playwright).
DEV_PACKAGES = (
    "pytest",
    "pytest-asyncio",
    "pytest-aiohttp",
    "pytest-timeout",
    "nbclient",
    "ipykernel",
    "jupyterlab",
    "jupyterlab-rise",
    "playwright",
)


@dataclass
class Check:
    status: str  # "PASS", "WARN" (worth knowing, not blocking) or "FAIL" (blocks the course)
    message: str

    def __str__(self) -> str:
        return f"{self.status:<5} {self.message}"


def required_packages(path: Path | None = None) -> list[str]:
    """The distribution names a requirements file lists (its version ranges are ignored)."""
    if path is None and not REQUIREMENTS.is_file():
        return list(PACKAGES)
    names = []
    for line in (path or REQUIREMENTS).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        # Lines starting with "-" are pip options (-r other.txt, --index-url ...), not packages.
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", line)
        if match and not line.startswith("-"):
            names.append(match.group())
    return names


def check_python(version: tuple[int, ...] = tuple(sys.version_info)) -> Check:
    shown = ".".join(map(str, version[:3]))
    needed = ".".join(map(str, PYTHON_NEEDED))
    if tuple(version[:2]) >= PYTHON_NEEDED:
        return Check("PASS", f"Python {shown} (the course needs {needed} or newer)")
    return Check("FAIL", f"Python {shown} is too old: the course needs {needed} or newer")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@cache
def _modules_by_distribution() -> dict[str, list[str]]:
    by_distribution: dict[str, list[str]] = {}
    for module, distributions in metadata.packages_distributions().items():
        for distribution in distributions:
            by_distribution.setdefault(_normalise(distribution), []).append(module)
    return by_distribution


def import_name(distribution: str) -> str:
    """The module to import for an installed distribution.

    Usually the same name (aiohttp), but not always: markdown-it-py installs ``markdown_it``
    and PyYAML installs ``yaml``. So ask the installed distribution what it put on the path.
    """
    wanted = _normalise(distribution).replace("-", "_")
    modules = sorted(_modules_by_distribution().get(_normalise(distribution), []))
    public = [m for m in modules if not m.startswith("_")]
    if wanted in modules or not public:
        return wanted
    return public[0]


def check_package(distribution: str, requirements: str = "requirements.txt") -> Check:
    try:
        version = metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return Check("FAIL", f"{distribution} is not installed: pip install -r {requirements}")
    module = import_name(distribution)
    try:
        importlib.import_module(module)
    except Exception as exc:  # any error while importing means the package is unusable
        return Check(
            "FAIL", f"{distribution} {version} is installed, but `import {module}` fails: {exc!r}"
        )
    imported_as = "" if module == distribution else f" (imported as {module})"
    return Check("PASS", f"{distribution} {version}{imported_as}")


def check_sqlite() -> Check:
    try:
        import sqlite3
    except ImportError:  # some hand-built Pythons lack the _sqlite3 extension
        return Check("FAIL", "SQLite: this Python has no sqlite3 module; install a full Python")
    return Check("PASS", f"SQLite {sqlite3.sqlite_version}, the default database (built in)")


def check_database(url: str) -> Check:
    """Whether the database of ``url`` answers; a missing MySQL server is only a warning."""
    try:
        parts = urlsplit(url)
        port = parts.port or 3306
    except ValueError as exc:
        return Check("FAIL", f"--db {url!r} is not a valid URL: {exc}")
    shown = url.replace(f":{parts.password}@", ":***@") if parts.password else url
    if parts.scheme == "sqlite":
        return Check("PASS", f"{shown}: SQLite needs no server")
    if parts.scheme != "mysql":
        return Check("FAIL", f"--db {shown}: unknown scheme; use sqlite:///path or mysql://...")
    # Imported here, not at the top, so that doctor still runs (and says what is missing)
    # when aiomysql, which brings PyMySQL, is not installed yet.
    try:
        import pymysql
    except ImportError:
        return Check("WARN", f"MySQL/MariaDB at {shown}: not checked, PyMySQL is not installed")
    try:
        connection = pymysql.connect(
            host=parts.hostname or "127.0.0.1",
            port=port,
            user=unquote(parts.username or "root"),
            password=unquote(parts.password or ""),
            database=parts.path.lstrip("/") or None,
            connect_timeout=2,
        )
    except pymysql.MySQLError as exc:
        reason = exc.args[-1] if exc.args else exc
        return Check(
            "WARN", f"MySQL/MariaDB at {shown}: {reason} (optional: SQLite is the default)"
        )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT VERSION()")
            (version,) = cursor.fetchone()
    finally:
        connection.close()
    return Check("PASS", f"MySQL/MariaDB {version} answers at {shown}")


def check_program(
    names: tuple[str, ...], version_flag: str, what: str, install: str, also_in: str = ""
) -> Check:
    """Whether one of ``names`` is an installed program; only a WARN when it is not."""
    search = os.pathsep.join(filter(None, [os.environ.get("PATH", ""), also_in]))
    found = next(filter(None, (shutil.which(name, path=search) for name in names)), None)
    if found is None:
        return Check("WARN", f"{what}: not installed, so its checks are skipped ({install})")
    try:
        done = subprocess.run([found, version_flag], capture_output=True, text=True, timeout=20)
        version = (done.stdout or done.stderr).strip().splitlines()[0]  # nginx uses stderr
    except (OSError, subprocess.SubprocessError, IndexError):
        version = "version unknown"
    return Check("PASS", f"{what}: {found} ({version})")


def dev_checks() -> list[Check]:
    """The development tools: the checks, the notebooks and the browser tests."""
    checks = [check_package(name, "requirements-dev.txt") for name in DEV_PACKAGES]
    browser = ("chromium", "chromium-browser")
    checks.append(
        check_program(
            browser, "--version", "Chromium, for the browser tests", "apt install chromium"
        )
    )
    # nginx lives in /usr/sbin, which is not on every user's PATH.
    deployment = "nginx, for the deployment check (optional)"
    checks.append(
        check_program(
            ("nginx",), "-v", deployment, "apt install nginx", "/usr/sbin:/usr/local/sbin"
        )
    )
    return checks


def run_checks(db_url: str = DEFAULT_DB, requirements: Path | None = None) -> list[Check]:
    checks = [check_python()]
    try:
        packages = required_packages(requirements)
    except OSError as exc:
        checks.append(Check("FAIL", f"cannot read the requirements file: {exc}"))
        packages = []
    checks += [check_package(name) for name in packages]
    checks += [check_sqlite(), check_database(db_url)]
    return checks


def main(db_url: str = DEFAULT_DB, requirements: Path | None = None) -> int:
    """Print every check, then a verdict; return the exit status (1 if anything failed).

    A missing development tool fails too: every day ends with `pytest tests/dayNN`, so a
    machine without pytest is not ready for the course, even if the blog runs on it.
    """
    sections = {
        "The course's code (requirements.txt)": run_checks(db_url, requirements),
        "Development tools: the checks, the notebooks, the browser tests": dev_checks(),
    }
    for title, checks in sections.items():
        print(f"{title}:")
        for check in checks:
            print(check)
    checks = [check for section in sections.values() for check in section]
    failed = sum(check.status == "FAIL" for check in checks)
    if failed:
        print(f"doctor: {failed} problem(s) to fix (the FAIL lines above) before you start")
        return 1
    if any(check.status == "WARN" for check in checks):
        print("doctor: all set for the course; what the WARN lines name is optional")
    else:
        print("doctor: all set, you are ready for the course, its checks and its notebooks")
    return 0
