"""The machine a run measured on, for the report: figures mean little without it."""

import datetime
import os
import platform
import sqlite3
import subprocess
from importlib import metadata
from pathlib import Path

from .databases import query

PACKAGES = ("aiohttp", "aiosqlite", "aiomysql", "PyMySQL", "Jinja2", "gunicorn")


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 2**20
    return 0.0


def wrk_version() -> str:
    done = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return (done.stdout + done.stderr).split("[")[0].strip().removeprefix("wrk ")


def describe(mysql_server_url: str | None) -> dict[str, str]:
    """What the report says about the machine and the software, one line each."""
    mariadb = query(mysql_server_url, "SELECT VERSION()")[0][0] if mysql_server_url else "-"
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in PACKAGES)
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{cpu_model()}, {os.cpu_count()} cores",
        "memory": f"{memory_gib():.1f} GiB",
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": versions,
        "sqlite": sqlite3.sqlite_version,
        "mariadb": mariadb,
        "wrk": wrk_version(),
    }
