"""``python -m benchmarks``: the whole measurement, on SQLite and MariaDB, into RESULTS.md.

Parts, all run by default: ``pages`` (each page under wrk against the bare baseline, the blog's
memory and start-up), ``gunicorn`` (1 and 2 workers on one MariaDB) and ``reliability`` (a mixed
load on each database, then faults under load on MariaDB). ``--quick`` makes every part short,
to check that it all runs; its report goes to benchmarks/out/, never over RESULTS.md.
"""

import argparse
import asyncio
import secrets
import shlex
import sys
import tempfile
from pathlib import Path

from . import machine, pages, reliability, report, wrk
from .databases import MYSQL_SERVER, mysql_database, mysql_problem, seed, sqlite_url
from .servers import clean_environment

HERE = Path(__file__).resolve().parent
PARTS = ("pages", "gunicorn", "reliability")


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    main.add_argument(
        "parts", nargs="*", metavar="PART", help=f"any of {', '.join(PARTS)} (default: all)"
    )
    main.add_argument("--quick", action="store_true", help="short runs, to check that it works")
    main.add_argument("--seconds", type=float, help="length of each wrk run (6; quick: 3)")
    main.add_argument("--connections", type=int, default=32, help="wrk's connections (32)")
    main.add_argument("--rounds", type=int, help="runs of each page, medians shown (5; quick: 1)")
    main.add_argument("--load-seconds", type=float, help="length of the mixed load (60; quick: 10)")
    main.add_argument(
        "--fault-seconds", type=float, help="length of each fault under load (5; quick: 2)"
    )
    main.add_argument("--readers", type=int, default=16, help="virtual readers (16)")
    main.add_argument("--mysql", default=MYSQL_SERVER, metavar="URL", help="the MariaDB server")
    main.add_argument("--output", type=Path, help="the report (benchmarks/RESULTS.md)")
    return main


def main(argv: list[str] | None = None) -> int:
    command_line = parser()
    args = command_line.parse_args(argv)
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        choices = ", ".join(PARTS)
        command_line.error(f"unknown part {', '.join(sorted(unknown))}: choose from {choices}")
    wrk.require_wrk()
    parts = args.parts or list(PARTS)
    quick = args.quick
    settings = pages.Settings(
        seconds=args.seconds or (3 if quick else 6),
        connections=args.connections,
        rounds=args.rounds or (1 if quick else 5),
        memory_checkpoints=(1_000, 10_000) if quick else (10_000, 100_000),
    )
    load_seconds = args.load_seconds or (10 if quick else 60)
    fault_seconds = args.fault_seconds or (2 if quick else 5)
    complete = not quick and set(parts) == set(PARTS)
    output = args.output or HERE / ("RESULTS.md" if complete else "out/RESULTS.md")
    problem = mysql_problem(args.mysql)
    if problem:
        print(f"benchmarks: {problem}: the MariaDB parts are left out", file=sys.stderr)
    results, scaling, mixed, faults = [], None, {}, None
    with tempfile.TemporaryDirectory(prefix="workbook-bench-") as folder:
        folder = Path(folder)
        (folder / "no-settings.toml").write_text("", encoding="utf-8")
        # The blog's settings come from the command line alone, with a secret of this run's.
        env = clean_environment(
            BLOG_SECRET=secrets.token_urlsafe(32), BLOG_CONFIG=str(folder / "no-settings.toml")
        )

        def sqlite(name: str) -> str:
            (folder / name).mkdir()
            return sqlite_url(folder / name)

        if "pages" in parts:
            say("the pages on SQLite")
            results.append(pages.measure("SQLite", sqlite("pages"), settings, folder, env))
            if not problem:
                say("the pages on MariaDB")
                with mysql_database(args.mysql) as url:
                    results.append(pages.measure("MariaDB", url, settings, folder, env))
        if "gunicorn" in parts and not problem:
            say("gunicorn with 1 and 2 workers on MariaDB")
            with mysql_database(args.mysql) as url:
                seed(url, settings.posts, env)
                scaling = pages.gunicorn_scaling(url, settings, folder, env)
        if "reliability" in parts:
            say(f"a mixed load for {load_seconds:.0f} s on SQLite")
            run = reliability.mixed_load(sqlite("mixed"), load_seconds, args.readers, folder, env)
            mixed["SQLite"] = asyncio.run(run)
            if not problem:
                say(f"a mixed load for {load_seconds:.0f} s on MariaDB")
                with mysql_database(args.mysql) as url:
                    run = reliability.mixed_load(url, load_seconds, args.readers, folder, env)
                    mixed["MariaDB"] = asyncio.run(run)
                say(f"faults of {fault_seconds:.0f} s under load on MariaDB")
                with mysql_database(args.mysql) as url:
                    run = reliability.faults_under_load(
                        url,
                        max(load_seconds / 2, 6 * fault_seconds),
                        fault_seconds,
                        args.readers,
                        folder,
                        env,
                    )
                    faults = asyncio.run(run)
        described = machine.describe(None if problem else args.mysql)
    command = shlex.join(
        ["python", "-m", "benchmarks", *(argv if argv is not None else sys.argv[1:])]
    )
    text = report.document(described, settings, command, results, scaling, mixed, faults)
    print(text)
    report.write(output, text)
    shown = output.resolve()
    if shown.is_relative_to(HERE.parent):
        shown = shown.relative_to(HERE.parent)
    print(f"written to {shown}")
    return 0


def say(what: str) -> None:
    print(f"benchmarks: measuring {what}...", flush=True)


if __name__ == "__main__":
    sys.exit(main())
