"""Find and import the day folders under test: the reference copies, or a student's.

A day folder is imported as the package named after its day (``day03_orm``), from wherever
it lives, so a grader can point the suite at any copy. Students may import sibling modules
flatly (``from orm import Model``, the original course's style) or relatively
(``from .orm import Model``): a flat import of a sibling module is read as the relative one,
so both styles load as one package and share one copy of each module.

Run as a script, it runs a day's ``__main__`` the same way: ``python tests/workbook.py
--root PATH day01 doctor`` is ``python -m day01 doctor`` for the copy under PATH.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib.abc
import importlib.machinery
import importlib.util
import runpy
import signal
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DAYS = ("day01", "day02", "day03_orm", "day04_models", "day05_web", "day06_final")
# How long importing one of a day's modules may take: seconds at most, even on a busy machine.
IMPORT_SECONDS = 20


class ImportTimeout(TimeoutError):
    """A student's module took longer than IMPORT_SECONDS to import (a loop at import time)."""


@contextlib.contextmanager
def deadline(seconds: float, message: str):
    """Raise ImportTimeout(message) in the block after ``seconds``, by SIGALRM.

    An outer alarm (pytest-timeout's) that would ring sooner is left alone; a later one is
    put back, less the time spent here. Outside the main thread the block runs unlimited.
    """
    outer_left, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    if threading.current_thread() is not threading.main_thread() or 0 < outer_left <= seconds:
        yield
        return

    def ring(signum, frame):
        raise ImportTimeout(f"{message} within {seconds:g} s")

    outer_handler = signal.signal(signal.SIGALRM, ring)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, outer_handler)
        if outer_left:
            left = max(outer_left - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, outer_interval)


def day_folders(root: Path) -> dict[str, Path]:
    """Map each day to its folder under ``root``; ``root`` may also be one day folder itself."""
    root = Path(root).resolve()
    found = {day: root / day for day in DAYS if (root / day).is_dir()}
    if found:
        return found
    if any(root.glob("*.py")):
        # A single day folder: it answers for its own day, or, under another name, for any.
        return {root.name: root} if root.name in DAYS else dict.fromkeys(DAYS, root)
    return {}


class _FlatImportsToRelative(ast.NodeTransformer):
    """Rewrite ``import orm`` / ``from orm import x`` into relative imports of siblings."""

    def __init__(self, siblings: set[str]):
        self.siblings = siblings

    def _is_sibling(self, dotted: str | None) -> bool:
        return dotted is not None and dotted.split(".")[0] in self.siblings

    def visit_Import(self, node: ast.Import):
        local = [alias for alias in node.names if self._is_sibling(alias.name)]
        if not local:
            return node
        rest = [alias for alias in node.names if alias not in local]
        new = [ast.ImportFrom(module=None, names=[alias], level=1) for alias in local]
        if rest:
            new.append(ast.Import(names=rest))
        return [ast.copy_location(n, node) for n in new]

    def visit_ImportFrom(self, node: ast.ImportFrom):
        if node.level == 0 and self._is_sibling(node.module):
            node.level = 1
        return node


class _DayLoader(importlib.machinery.SourceFileLoader):
    """Load a day's module from source, with flat sibling imports made relative."""

    def __init__(self, fullname: str, path: str, siblings: set[str]):
        super().__init__(fullname, path)
        self.siblings = siblings

    def get_data(self, path):
        # A day folder without __init__.py still loads as a package, from an empty one.
        if not Path(path).exists() and Path(path).name == "__init__.py":
            return b""
        return super().get_data(path)

    def get_code(self, fullname):
        # Always compile from source: a cached .pyc would skip the rewrite below.
        source = self.get_data(self.path)
        tree = ast.parse(source, filename=self.path)
        tree = ast.fix_missing_locations(_FlatImportsToRelative(self.siblings).visit(tree))
        return compile(tree, self.path, "exec", dont_inherit=True)


class _DayFinder(importlib.abc.MetaPathFinder):
    """Resolve ``<day>`` and ``<day>.<module>`` to the files of one day folder."""

    def __init__(self, day: str, folder: Path):
        self.day, self.folder = day, folder
        self.siblings = {p.stem for p in folder.glob("*.py")} | {
            p.name for p in folder.iterdir() if (p / "__init__.py").is_file()
        }

    def find_spec(self, fullname, path=None, target=None):
        if fullname == self.day:
            init = self.folder / "__init__.py"
            loader = _DayLoader(fullname, str(init), self.siblings)
            return importlib.util.spec_from_file_location(
                fullname, init, loader=loader, submodule_search_locations=[str(self.folder)]
            )
        prefix = self.day + "."
        if fullname.startswith(prefix) and "." not in fullname[len(prefix) :]:
            file = self.folder / (fullname[len(prefix) :] + ".py")
            if file.is_file():
                loader = _DayLoader(fullname, str(file), self.siblings)
                return importlib.util.spec_from_file_location(fullname, file, loader=loader)
        return None


class Workbook:
    """The day folders under one root, importable by their day names."""

    def __init__(self, root: Path | str):
        self.root = Path(root).resolve()
        self.folders = day_folders(self.root)
        self.is_reference = self.root == REPO
        self.hung: dict[str, str] = {}

    def install(self) -> None:
        """Make ``import dayNN...`` load this workbook's copies (call once, before any import)."""
        for day, folder in self.folders.items():
            stale = [name for name in sys.modules if name == day or name.startswith(day + ".")]
            for name in stale:
                del sys.modules[name]
            sys.meta_path.insert(0, _DayFinder(day, folder))

    def has(self, day: str) -> bool:
        return day in self.folders

    def folder(self, day: str) -> Path:
        if day not in self.folders:
            raise LookupError(f"no {day}/ folder under {self.root}")
        return self.folders[day]

    def load(self, day: str, module: str | None = None):
        """Import a day's package, or one of its modules: ``load("day03_orm", "orm")``.

        An import that does not return within IMPORT_SECONDS fails, and so does every later
        load of it in this run, at once: one hanging module costs a run seconds, not minutes.
        """
        self.folder(day)
        name = f"{day}.{module}" if module else day
        if name in self.hung:
            raise ImportTimeout(self.hung[name])
        try:
            with deadline(IMPORT_SECONDS, f"importing {name} did not return"):
                return importlib.import_module(name)
        except ImportTimeout as exc:
            self.hung[name] = str(exc)
            raise

    def command(self, day: str, *args: str) -> list[str]:
        """The argv that runs ``python -m <day> ARGS`` for this workbook's copy of the day."""
        return [sys.executable, str(Path(__file__).resolve()), "--root", str(self.root), day, *args]


def _main() -> None:
    parser = argparse.ArgumentParser(description="run a day's __main__ from any copy of it")
    parser.add_argument("--root", default=str(REPO))
    parser.add_argument("day", choices=DAYS)
    parser.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    workbook = Workbook(options.root)
    # As `python -m` from the workbook's root would; running this file put tests/ there instead.
    sys.path[0] = str(workbook.root)
    workbook.folder(options.day)
    workbook.install()
    sys.argv = [options.day, *options.args]
    runpy.run_module(options.day, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    _main()
