"""Run day 2 from the repository root.

``python -m day02 [--host H] [--port P]`` serves the notes app (127.0.0.1:9000 by default)
and prints the token that ``POST /notes`` needs; ``python -m day02 doctor [--db URL]
[--requirements FILE]`` checks your set-up, as on day 1.
"""

import argparse
import logging
import sys
from pathlib import Path

from aiohttp import web

from . import doctor
from .app import create_app
from .middlewares import TOKEN


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m {__package__}", description="Serve the notes app, or check your set-up."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=9000, help="port to listen on")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser("doctor", help="check Python, the packages and the database")
    check.add_argument(
        "--db",
        default=doctor.DEFAULT_DB,
        metavar="URL",
        help=f"database to try (default: {doctor.DEFAULT_DB})",
    )
    check.add_argument(
        "--requirements",
        type=Path,
        metavar="FILE",
        help="requirements file to check (default: the workbook's)",
    )
    args = parser.parse_args(argv)

    if args.command == "doctor":
        return doctor.main(args.db, args.requirements)
    # INFO shows the access log and the nine-step trace of every request.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    app = create_app()
    print(f"POST /notes needs the header 'Authorization: Bearer {app[TOKEN]}'", flush=True)
    # access_log=None: the access_log middleware replaces aiohttp's own access log.
    web.run_app(app, host=args.host, port=args.port, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
