"""Server processes: started one way for every target, timed to their first 200, measured.

Each server under test is ``python -m <module> ...`` in a process of its own, as a user runs
it, with its output going to a log file. ``Server.start()`` times from the spawn to the first
successful GET; ``rss_kib()`` reads the resident memory the kernel reports for the process.
"""

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.network import free_port

REPO = Path(__file__).resolve().parent.parent


def clean_environment(**extra: str) -> dict[str, str]:
    """This environment without the blog's settings (a stray DATABASE_URL), plus ``extra``."""
    keep = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("BLOG_", "GUNICORN_")) and name != "DATABASE_URL"
    }
    return {**keep, **extra}


def get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """One GET on 127.0.0.1:port: (status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Server:
    """One server process: ``argv`` run from the repository root, listening on ``port``."""

    def __init__(self, name: str, argv: list[str], port: int, log: Path, env: dict[str, str]):
        self.name, self.argv, self.port, self.log, self.env = name, argv, port, log, env
        self.process: subprocess.Popen | None = None

    @classmethod
    def module(cls, name: str, module: str, *args: str, log_dir: Path, env: dict[str, str]):
        """``python -m module args``, where ``{port}`` in an argument stands for a free port."""
        port = free_port()
        argv = [sys.executable, "-m", module, *(arg.format(port=port) for arg in args)]
        return cls(name, argv, port, log_dir / f"{name}.log", env)

    def start(self, path: str = "/", timeout: float = 30.0) -> float:
        """Spawn the process and wait for a 200 on ``path``: the seconds that took."""
        with self.log.open("ab") as log:
            started = time.perf_counter()
            self.process = subprocess.Popen(
                self.argv, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode}: {self.tail()}"
                )
            try:
                status, _ = get(self.port, path, timeout=1)
            except OSError:
                status = 0
            if status == 200:
                return time.perf_counter() - started
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"{self.name} gave no 200 within {timeout} s: {self.tail()}")
            time.sleep(0.005)

    def rss_kib(self) -> int:
        """Resident memory of the process (VmRSS in /proc/PID/status), in KiB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError(f"no VmRSS for {self.name}")

    def stop(self) -> None:
        """Ctrl+C, as a person stops it; killed if it has not gone within 10 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def tail(self, lines: int = 5) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()
