"""The results as Markdown: printed at the end of a run and written to ``RESULTS.md``.

Every figure comes from the run itself; the targets of issue 6 are checked against them here,
so the report says plainly which are met. ``write`` puts it in a file, keeping the section that
benchmarks/mutation.py writes there.
"""

import os
import re
from pathlib import Path

from .pages import BASELINE, BackendResult, ScalingResult
from .reliability import Run

PAGES = {
    "hello": "day 1's hello page (the ceiling of one process)",
    BASELINE: "bare baseline: aiohttp + driver + Jinja2, the home page's queries",
    "home": "blog: home page `/`",
    "article": "blog: an article `/blog/{id}` (3 comments)",
    "api": "blog: `GET /api/blogs`",
}
BLOG_PAGES = ("home", "article", "api")
TARGET_RATIO, TARGET_P99_MS, TARGET_GROWTH, TARGET_STARTUP_S = 0.8, 50.0, 0.10, 1.0
FAULTS = {"cut": "database gone (connections refused)", "stall": "pulled cable (no answer)"}
# A cut is noticed at once; a stall only when the ORM's 5 s query timeout runs out.
FAULT_LIMIT_S = {"cut": 2.0, "stall": 7.0}
RECOVERY_LIMIT_S = 5.0
# The section benchmarks/mutation.py keeps in RESULTS.md: this report never writes over it.
MUTATION_SECTION = "## Mutation testing"


def table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]


def page_table(results: list[BackendResult]) -> list[str]:
    header = ["page"]
    for result in results:
        name = result.backend
        header += [f"{name} req/s", "p50 ms", "p99 ms", "errors", "vs bare"]
    rows = []
    for page, label in PAGES.items():
        row = [label]
        for result in results:
            figures, baseline = result.pages[page], result.pages[BASELINE]
            ratio = figures.vs(baseline)
            row += [
                f"{figures.per_second:,.0f}",
                f"{figures.p50_ms:.1f}",
                f"{figures.p99_ms:.1f}",
                figures.errors,
                f"{ratio:.2f}",
            ]
        rows.append(row)
    return table(header, rows)


def growth(result: BackendResult) -> float:
    """How much the blog's memory grew from the first checkpoint to the last (0.05 is 5%)."""
    first, last = list(result.rss_kib.values())[1], list(result.rss_kib.values())[-1]
    return last / first - 1


def process_table(results: list[BackendResult]) -> list[str]:
    header = ["", *(result.backend for result in results)]
    rows = [
        [f"start to first 200: {name}", *(f"{r.startup_seconds[name]:.2f} s" for r in results)]
        for name in results[0].startup_seconds
    ]
    for n, served in enumerate(results[0].rss_kib):
        label = (
            "blog memory (VmRSS) at start" if n == 0 else f"blog memory after ~{served:,} requests"
        )
        rows.append([label, *(f"{list(r.rss_kib.values())[n] / 1024:.1f} MiB" for r in results)])
    rows.append(["growth between the last two", *(f"{growth(r):+.1%}" for r in results)])
    rows.append(["errors during the memory run", *(r.memory_run_errors for r in results)])
    return table(header, rows)


def scaling_table(scaling: ScalingResult) -> list[str]:
    rows = []
    for (pattern, workers), r in scaling.workers.items():
        one = scaling.workers[pattern, 1].per_second
        *per_worker, database = scaling.cpu[pattern, workers]
        rows.append(
            [
                pattern,
                f"{workers}",
                f"{r.per_second:,.0f}",
                f"{r.p50_ms:.1f}",
                f"{r.p99_ms:.1f}",
                r.errors,
                f"{r.per_second / one:.2f}",
                " + ".join(f"{c:.2f}" for c in per_worker),
                f"{database:.2f}",
            ]
        )
    header = ["connections", "workers", "req/s", "p50 ms", "p99 ms", "errors", "vs 1 worker"]
    return table([*header, "cores used by each worker", "by MariaDB"], rows)


def page_targets(results: list[BackendResult]) -> list[tuple[str, str, bool]]:
    """(target, what was measured, met) for the page and process targets."""
    checks = []
    for r in results:
        ratio = r.pages["home"].vs(r.pages[BASELINE])
        checks.append(
            (
                f"{r.backend}: home page at least {TARGET_RATIO} of the bare baseline",
                f"{ratio:.2f}",
                ratio >= TARGET_RATIO,
            )
        )
        worst = max(BLOG_PAGES, key=lambda page: r.pages[page].p99_ms)
        p99 = r.pages[worst].p99_ms
        checks.append(
            (
                f"{r.backend}: p99 under {TARGET_P99_MS:.0f} ms on every blog page",
                f"{p99:.1f} ms ({worst})",
                p99 < TARGET_P99_MS,
            )
        )
        errors = sum(r.pages[page].errors for page in PAGES) + r.memory_run_errors
        checks.append((f"{r.backend}: no errors", f"{errors}", errors == 0))
        checks.append(
            (
                f"{r.backend}: memory within {TARGET_GROWTH:.0%} between the checkpoints",
                f"{growth(r):+.1%}",
                growth(r) <= TARGET_GROWTH,
            )
        )
        startup = r.startup_seconds["blog"]
        checks.append(
            (
                f"{r.backend}: first 200 within {TARGET_STARTUP_S:.0f} s of start",
                f"{startup:.2f} s",
                startup <= TARGET_STARTUP_S,
            )
        )
    return checks


def targets_table(checks: list[tuple[str, str, bool]]) -> list[str]:
    rows = [[target, measured, "met" if met else "**missed**"] for target, measured, met in checks]
    return table(["target", "measured", ""], rows)


def machine_lines(machine: dict[str, str]) -> list[str]:
    return [f"- {name}: {value}" for name, value in machine.items()]


def mixed_table(runs: dict[str, Run]) -> list[str]:
    """The mixed load on each database: answers by status, comments acknowledged and stored."""
    header = ["mixed load", *runs]
    statuses = {status for run in runs.values() for status in run.statuses()}
    rows = [
        ["virtual readers, seconds", *(f"{r.readers}, {r.seconds:.0f} s" for r in runs.values())],
        [
            "answers (per second)",
            *(f"{len(r.answers):,} ({len(r.answers) / r.seconds:,.0f}/s)" for r in runs.values()),
        ],
    ]
    for status in sorted(statuses):
        label = "no answer (socket error, timeout)" if status == 0 else f"status {status}"
        rows.append([label, *(r.statuses().get(status, 0) for r in runs.values())])
    rows += [
        ["comments acknowledged (2xx)", *(len(r.acknowledged) for r in runs.values())],
        [
            "... of them in the database",
            *(len(r.acknowledged & r.stored.keys()) for r in runs.values()),
        ],
        ["acknowledged but lost", *(len(r.lost()) for r in runs.values())],
        ["sent again with their key, after no answer or a 503", *(r.resent for r in runs.values())],
        ["stored twice", *(len(r.twice()) for r in runs.values())],
    ]
    return table(header, rows)


def fault_table(run: Run) -> list[str]:
    rows = []
    for fault in run.faults:
        during = run.during(fault)
        recovery = run.recovery_seconds(fault)
        rows.append(
            [
                FAULTS[fault.kind],
                f"{fault.end - fault.start:.1f} s",
                len(during),
                sum(1 for a in during if 200 <= a.status < 300),
                sum(1 for a in during if a.status == 503),
                sum(1 for a in during if a.status >= 500 and a.status != 503),
                f"{slowest(during):.2f} s",
                "never" if recovery is None else f"{recovery:.2f} s",
            ]
        )
    header = [
        "fault",
        "length",
        "requests under way",
        "2xx",
        "503",
        "other 5xx",
        "slowest",
        "recovered after",
    ]
    return table(header, rows)


def slowest(answers) -> float:
    return max((a.done - a.sent for a in answers), default=0.0)


def fault_lines(run: Run) -> list[str]:
    committed = run.unacknowledged & run.stored.keys()
    return [
        f"- answers outside the faults and their recovery: {len(run.outside_faults()):,}, "
        f"of which 5xx: {run.server_errors(run.outside_faults())}",
        f"- comments acknowledged (2xx): {len(run.acknowledged)}; lost: {len(run.lost())}",
        f"- comments sent again with their Idempotency-Key after no answer or a 503: "
        f"{run.resent}; stored twice: {len(run.twice())}",
        f"- comments never acknowledged: {len(run.unacknowledged)}; stored all the same (the "
        f"INSERT committed, the answer was lost in the cut, and no retry came before the end): "
        f"{len(committed)}; half-written or unknown rows: {len(run.unknown())}",
    ]


def reliability_targets(mixed: dict[str, Run], faults: Run | None) -> list[tuple[str, str, bool]]:
    checks = []
    for backend, run in mixed.items():
        errors = run.server_errors()
        checks.append((f"{backend}: mixed load with no 5xx", f"{errors}", errors == 0))
        checks.append(comments_target(backend, run))
    if faults is not None:
        for fault in faults.faults:
            during = faults.during(fault)
            wrong = sum(1 for a in during if a.status >= 500 and a.status != 503)
            limit = FAULT_LIMIT_S[fault.kind]
            checks.append(
                (
                    f"{FAULTS[fault.kind]}: answered (or 503) within {limit:.0f} s, no other 5xx",
                    f"slowest {slowest(during):.2f} s, other 5xx {wrong}",
                    wrong == 0 and slowest(during) <= limit,
                )
            )
            recovery = faults.recovery_seconds(fault)
            checks.append(
                (
                    f"{FAULTS[fault.kind]}: the blog recovers by itself",
                    "never" if recovery is None else f"after {recovery:.2f} s",
                    recovery is not None and recovery <= RECOVERY_LIMIT_S,
                )
            )
        outside = faults.server_errors(faults.outside_faults())
        checks.append(("faults: no 5xx outside the faults", f"{outside}", outside == 0))
        checks.append(comments_target("faults", faults))
    return checks


def comments_target(label: str, run: Run) -> tuple[str, str, bool]:
    """Every acknowledged comment of ``run`` stored, once; none half-written."""
    wrong = len(run.lost()) + len(run.unknown()) + len(run.twice())
    return (
        f"{label}: every acknowledged comment stored once, none half-written",
        f"{len(run.lost())} missing, {len(run.twice())} twice, {len(run.unknown())} unknown",
        wrong == 0,
    )


def document(
    machine: dict,
    settings,
    command: str,
    results: list[BackendResult],
    scaling: ScalingResult | None,
    mixed: dict[str, Run],
    faults: Run | None,
) -> str:
    """The whole report, for the parts that ran."""
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{command}`; the method and what the figures led to are in",
        "[README.md](README.md). Ratios compare runs of the same moment, on the same machine.",
        "",
        "## The machine",
        "",
        *machine_lines(machine),
        "",
        "## Settings",
        "",
        f"- wrk: 1 thread, {settings.connections} connections, {settings.seconds:.0f} s a run, "
        f"{settings.rounds} round(s) of every page in turn; the medians are shown; a ratio to "
        "the baseline is the median of each round's ratio",
        f"- each database seeded with {settings.posts:,} articles by `python -m day06_final seed`",
        "- errors: socket errors and answers with a status of 400 or more",
        "",
    ]
    checks = page_targets(results) + reliability_targets(mixed, faults)
    if checks:
        lines += ["## Targets", "", *targets_table(checks), ""]
    if results:
        lines += ["## Pages", "", *page_table(results), ""]
        lines += ["## Memory and start-up", "", *process_table(results), ""]
    if scaling is not None:
        lines += ["## gunicorn on MariaDB: the home page", "", *scaling_table(scaling), ""]
        lines += [
            "Cores used: CPU seconds per second of load, read from /proc; the machine has "
            f"{os.cpu_count()}, and wrk takes up to one of them. A worker serves every request "
            "of a connection it accepted: wrk opens its connections at once and keeps them, "
            "so the worker that wakes first can take them all; nginx (deploy/nginx.conf) opens "
            "one per request, and the workers share them.",
            "",
        ]
    if mixed:
        lines += ["## Reliability: a mixed load", "", *mixed_table(mixed), ""]
    if faults is not None:
        lines += ["## Reliability: faults under load (MariaDB)", "", *fault_table(faults), ""]
        lines += fault_lines(faults) + [""]
    return "\n".join(lines)


def write(output: Path, text: str) -> None:
    """Write the report to ``output``; a mutation-testing section already there is kept, with
    any section after it that this report does not write."""
    old = output.read_text(encoding="utf-8") if output.exists() else ""
    found = re.search(f"^{re.escape(MUTATION_SECTION)}$", old, re.MULTILINE)
    kept = []
    if found:
        ours = {line for line in text.splitlines() if line.startswith("## ")}
        for section in re.split(r"\n(?=## )", old[found.start() :]):
            if section.split("\n", 1)[0] not in ours:
                kept.append(section.strip("\n"))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n\n".join([text.rstrip("\n"), *kept]) + "\n", encoding="utf-8")
