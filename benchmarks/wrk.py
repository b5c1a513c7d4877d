"""Load with wrk: a fixed number of connections for a fixed time, the figures read back as JSON.

wrk (Debian's package) runs in a process of its own, one thread, so that it takes one core at
most and the server the other. ``lua/report.lua`` prints its summary as one JSON line: requests,
latency percentiles and errors, where an error is a socket error (connect, read, write,
timeout) or a response with a status of 400 or more.
"""

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPORT = Path(__file__).resolve().parent / "lua" / "report.lua"


@dataclass
class Load:
    """What one wrk run measured."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def require_wrk() -> None:
    """Stop with the command that installs wrk, if it is missing."""
    if shutil.which("wrk") is None:
        sys.exit("benchmarks: wrk is not installed; on Debian or Ubuntu: sudo apt-get install wrk")


def run(
    url: str,
    seconds: float,
    connections: int,
    paths_file: Path | None = None,
    headers: tuple[str, ...] = (),
) -> Load:
    """Load ``url`` (or, with ``paths_file``, its host with each path in turn) for ``seconds``.

    ``headers``: sent with every request, such as ``"Connection: close"`` for a new connection
    per request.
    """
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "5s"]
    for header in headers:
        argv += ["-H", header]
    argv += ["-s", str(REPORT), url]
    if paths_file is not None:
        argv += ["--", str(paths_file)]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    errors = sum(figures[kind] for kind in ("connect", "read", "write", "timeout", "status"))
    return Load(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        errors=errors,
    )
