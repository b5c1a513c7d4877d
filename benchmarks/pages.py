"""Throughput, latency, memory and start-up of each page, on one database, and gunicorn's scaling.

For one database: seed it, start day 1's hello page, the bare baseline and the blog (each
``python -m ...`` in its own process, timed from spawn to the first 200), then load each page
with wrk in turn, round after round, so that a busy moment on the machine touches every page
alike. The blog's memory is read after 10k and 100k requests of a mix of its pages.
"""

import contextlib
import os
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import wrk
from .databases import article_ids, seed
from .servers import Server


@dataclass
class Settings:
    seconds: float  # of each measured wrk run
    connections: int
    rounds: int  # each page is measured this many times; the report gives the medians
    memory_checkpoints: tuple[int, int]  # requests after which the blog's memory is read
    posts: int = 1000
    warm_up_seconds: float = 1.0


@dataclass
class PageResult:
    name: str
    path: str
    loads: list[wrk.Load] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return statistics.median(load.per_second for load in self.loads)

    @property
    def p50_ms(self) -> float:
        return statistics.median(load.p50_ms for load in self.loads)

    @property
    def p99_ms(self) -> float:
        return statistics.median(load.p99_ms for load in self.loads)

    @property
    def errors(self) -> int:
        return sum(load.errors for load in self.loads)

    def vs(self, baseline: "PageResult") -> float:
        """Throughput as a ratio to ``baseline``'s: the median of each round's ratio.

        Within a round the two were loaded one right after the other, so a moment when the
        machine is busier (another virtual machine on the same host) touches both alike; the
        ratio of the two medians would pair runs of different moments.
        """
        ratios = [
            a.per_second / b.per_second for a, b in zip(self.loads, baseline.loads, strict=True)
        ]
        return statistics.median(ratios)


@dataclass
class BackendResult:
    backend: str
    pages: dict[str, PageResult]
    startup_seconds: dict[str, float]
    rss_kib: dict[int, int]  # requests served so far -> resident memory
    memory_run_errors: int  # errors while the blog served the requests of the memory run


BASELINE = "bare"


def mixed_paths(ids: list[str], folder: Path) -> Path:
    """A file of the blog's pages in turn: every article, and the home and API pages 1-100."""
    lines = []
    for n, blog_id in enumerate(ids):
        page = n % 100 + 1
        lines += [f"/blog/{blog_id}", f"/?page={page}", f"/api/blogs?page={page}"]
    path = folder / "mixed-paths.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load_until(server: Server, total: int, served: int, paths: Path, connections: int):
    """Load the blog with the mixed pages until it has served ``total``: (served, errors)."""
    url = f"http://127.0.0.1:{server.port}"
    rate, errors = None, 0
    while served < total:
        # Aim a little short of the total, in runs of at most 30 s, then top up.
        seconds = 2 if rate is None else min(30, max(1, 0.95 * (total - served) / rate))
        load = wrk.run(url, seconds, connections, paths)
        served, errors, rate = served + load.requests, errors + load.errors, load.per_second
    return served, errors


def measure(
    backend: str, db_url: str, settings: Settings, folder: Path, env: dict
) -> BackendResult:
    """Every figure of the page table for one database."""
    seed(db_url, settings.posts, env)
    ids = article_ids(db_url)
    port = ("--port", "{port}")
    servers = {
        "hello": Server.module("hello", "day01", *port, log_dir=folder, env=env),
        BASELINE: Server.module(
            BASELINE, "benchmarks.bare", "--db", db_url, *port, log_dir=folder, env=env
        ),
        "blog": Server.module(
            "blog", "day06_final", "serve", "--db", db_url, *port, log_dir=folder, env=env
        ),
    }
    targets = {
        "hello": ("hello", "/"),
        BASELINE: (BASELINE, "/"),
        "home": ("blog", "/"),
        "article": ("blog", f"/blog/{ids[0]}"),
        "api": ("blog", "/api/blogs"),
    }
    try:
        startup = {name: server.start() for name, server in servers.items()}
        blog = servers["blog"]
        rss = {0: blog.rss_kib()}
        served, memory_run_errors, paths = 0, 0, mixed_paths(ids, folder)
        for checkpoint in settings.memory_checkpoints:
            served, errors = load_until(blog, checkpoint, served, paths, settings.connections)
            rss[served], memory_run_errors = blog.rss_kib(), memory_run_errors + errors
        pages = {name: PageResult(name, path) for name, (_, path) in targets.items()}
        urls = {
            name: f"http://127.0.0.1:{servers[s].port}{path}" for name, (s, path) in targets.items()
        }
        for url in urls.values():
            wrk.run(url, settings.warm_up_seconds, settings.connections)
        for _ in range(settings.rounds):
            for name, url in urls.items():
                pages[name].loads.append(wrk.run(url, settings.seconds, settings.connections))
        return BackendResult(backend, pages, startup, rss, memory_run_errors)
    finally:
        for server in servers.values():
            server.stop()


# How the load's connections come: wrk's own way, and the way nginx (deploy/nginx.conf, no
# upstream keepalive) reaches gunicorn. Which worker serves a connection is settled when it is
# accepted, so the pattern decides how the work is shared.
CONNECTION_PATTERNS = {
    "kept alive": (),
    "one per request, as nginx proxies": ("Connection: close",),
}


@dataclass
class ScalingResult:
    workers: dict[tuple[str, int], PageResult]  # (connection pattern, workers) -> figures
    cpu: dict[tuple[str, int], list[float]]  # -> cores used by each worker, then MariaDB


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (/proc/PID/stat), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``: gunicorn's workers."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            for line in status.read_text().splitlines():
                if line.startswith("PPid:") and int(line.split()[1]) == pid:
                    found.append(int(status.parent.name))
    return sorted(found)


def mariadb_pid() -> int | None:
    for status in Path("/proc").glob("[0-9]*/comm"):
        with contextlib.suppress(OSError):
            if status.read_text().strip() in ("mariadbd", "mysqld"):
                return int(status.parent.name)
    return None


def gunicorn_scaling(db_url: str, settings: Settings, folder: Path, env: dict) -> ScalingResult:
    """The home page under gunicorn (deploy/gunicorn.conf.py), 1 worker then 2, with the CPU
    each worker and MariaDB used, for each pattern of connections."""
    results, cpu, database = {}, {}, mariadb_pid()
    for workers in (1, 2):
        server = Server.module(
            f"gunicorn-{workers}",
            "gunicorn",
            "-c",
            "day06_final/deploy/gunicorn.conf.py",
            "--workers",
            str(workers),
            "--bind",
            "127.0.0.1:{port}",
            log_dir=folder,
            env={**env, "DATABASE_URL": db_url},
        )
        with server:
            server.start()
            url = f"http://127.0.0.1:{server.port}/"
            processes = [*children(server.process.pid), *([database] if database else [])]
            for pattern, headers in CONNECTION_PATTERNS.items():
                wrk.run(url, settings.warm_up_seconds, settings.connections, headers=headers)
                result = results[pattern, workers] = PageResult(f"{workers} worker(s)", "/")
                used = [0.0] * len(processes)
                for _ in range(settings.rounds):
                    before, started = [cpu_seconds(p) for p in processes], time.monotonic()
                    load = wrk.run(url, settings.seconds, settings.connections, headers=headers)
                    elapsed = time.monotonic() - started
                    result.loads.append(load)
                    for n, pid in enumerate(processes):
                        used[n] += (cpu_seconds(pid) - before[n]) / elapsed / settings.rounds
                cpu[pattern, workers] = used
    return ScalingResult(results, cpu)
