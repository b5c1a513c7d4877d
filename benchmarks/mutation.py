"""Mutation testing: how many small breakages of each day's own code its own checks catch.

``python -m benchmarks.mutation [DAY ...] [--sample N] [--seed S]``

For each day, cosmic-ray (a mutation tester) lists every one-node change its operators know
(a comparison flipped, a boolean operator swapped, a number changed, a statement replaced, a
break turned into a continue...) in the Python files the day changed since the day before:
the day's own code. A seeded sample of those mutants runs, each against the day's own checks
(every test under tests/<day>/ except the carried-forward ones), on SQLite and MariaDB, in a
scratch copy of the repository, so the working tree is never touched. A mutant is caught
(killed) when a check fails or the run times out; a mutant that every check passes survived.
Mutants listed in ``EQUIVALENT`` change no behaviour a user can see: they are reported apart,
with their reason, and left out of the score. The table and the survivors are printed and
written to its own part of the "Mutation testing" section of benchmarks/RESULTS.md, the
other days' parts kept (``--output`` elsewhere).
"""

from __future__ import annotations

import argparse
import ast
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DAYS = ("day01", "day02", "day03_orm", "day04_models", "day05_web", "day06_final")
SECTION = "## Mutation testing"
TARGET = 0.85
# Operator name -> why its mutants are not run. Empty: every operator of cosmic-ray counts.
LEFT_OUT_OPERATORS: dict[str, str] = {}
# (file, the stripped source line, operator) -> why the mutant changes nothing a user sees.
# A fourth item, the stripped mutated line, narrows an entry to that one mutant of the line
# (the operator's other mutants there are still run and scored).
CMP, UNARY, BINARY = (
    "core/ReplaceComparisonOperator_",
    "core/ReplaceUnaryOperator_",
    "core/ReplaceBinaryOperator_",
)
NUMBER, FALSE_TRUE = "core/NumberReplacer", "core/ReplaceFalseWithTrue"
ERROR_CODE = "code = exc.args[0] if len(exc.args) == 2 else 0  # MySQL's carry (code, message)"
EQUIVALENT: dict[tuple[str, ...], str] = {
    # day01
    (
        "day01/doctor.py",
        'failed = sum(check.status == "FAIL" for check in checks)',
        CMP + "Eq_Is",
    ): (
        "a status is one of doctor.py's own literals, which CPython interns: `is` agrees with `==`"
    ),
    ("day01/doctor.py", 'if any(check.status == "WARN" for check in checks):', CMP + "Eq_Is"): (
        "a status is one of doctor.py's own literals, which CPython interns: `is` agrees with `==`"
    ),
    ("day01/doctor.py", "reason = exc.args[-1] if exc.args else exc", UNARY + "USub_UAdd"): (
        "PyMySQL's errors carry (code, message): args[1] is args[-1]"
    ),
    ("day01/doctor.py", "reason = exc.args[-1] if exc.args else exc", UNARY + "Delete_USub"): (
        "PyMySQL's errors carry (code, message): args[1] is args[-1]"
    ),
    (
        "day01/doctor.py",
        "if tuple(version[:2]) >= PYTHON_NEEDED:",
        NUMBER,
        "if tuple(version[: 3]) >= PYTHON_NEEDED:",
    ): "(3, 11, x) compares with (3, 11) as (3, 11) does, and so does every other version",
    (
        "day01/doctor.py",
        'line = line.split("#", 1)[0].strip()',
        NUMBER,
        'line = line.split("#", 2)[0].strip()',
    ): ('the text before the first "#" is the same'),
    (
        "day01/doctor.py",
        'line = line.split("#", 1)[0].strip()',
        NUMBER,
        'line = line.split("#", 0)[0].strip()',
    ): ('the name is read from the start of the line and holds no "#": a comment never reaches it'),
    (
        "day01/doctor.py",
        'failed = sum(check.status == "FAIL" for check in checks)',
        CMP + "Eq_LtE",
    ): ('a status is PASS, WARN or FAIL: only FAIL sorts at or before "FAIL"'),
    ("day01/doctor.py", 'if any(check.status == "WARN" for check in checks):', CMP + "Eq_GtE"): (
        'a status is PASS, WARN or FAIL: only WARN sorts at or after "WARN"'
    ),
    # day02
    ("day02/middlewares.py", "elapsed = (time.perf_counter() - started) * 1000", NUMBER): (
        "999 or 1001 ms a second moves the logged time by 0.1%, less than two runs of one request "
        "differ"
    ),
    (
        "day02/middlewares.py",
        "elapsed = (time.perf_counter() - started) * 1000",
        BINARY + "Sub_Mod",
    ): (
        "perf_counter counts from the boot: t % started is t - started for any request shorter "
        "than the machine's uptime"
    ),
    (
        "day02/middlewares.py",
        'if message == f"{exc.status}: {exc.reason}":  # aiohttp\'s own text says nothing more',
        CMP + "Eq_LtE",
    ): 'every message the app writes starts with a letter, which sorts after "NNN: reason"',
    # day03_orm
    ("day03_orm/orm.py", ERROR_CODE, CMP + "Eq_GtE"): (
        "sqlite3's errors carry one argument and PyMySQL's two: >= 2 picks the same ones as == 2"
    ),
    ("day03_orm/orm.py", ERROR_CODE, NUMBER, ERROR_CODE.replace("else 0", "else 1")): (
        "an error without a code is only compared with MySQL's client range 2000-2999"
    ),
    ("day03_orm/orm.py", ERROR_CODE, NUMBER, ERROR_CODE.replace("else 0", "else -1")): (
        "an error without a code is only compared with MySQL's client range 2000-2999"
    ),
    (
        "day03_orm/orm.py",
        "return (rows[0].keys() if rows else []), rows",
        NUMBER,
        "return (rows[ -1].keys() if rows else []), rows",
    ): "every row of a result has the same columns",
    (
        "day03_orm/orm.py",
        "await asyncio.sleep(0)  # a socket finishes closing on the event loop's next turn",
        NUMBER,
        "await asyncio.sleep( -1)  # a socket finishes closing on the event loop's next turn",
    ): "asyncio.sleep() of a delay below 0 yields once, as sleep(0) does",
    (
        "day03_orm/orm.py",
        "return [dict(zip(names, row, strict=False)) for row in rows[:size]]",
        FALSE_TRUE,
    ): ("the names and each row come from one result: their lengths are equal"),
    (
        "day03_orm/orm.py",
        "objects = [cls(zip(names, row, strict=False)) for row in rows]",
        FALSE_TRUE,
    ): ("the names and each row come from one result: their lengths are equal"),
    (
        "day03_orm/orm.py",
        'select = ", ".join(c if c == q(k) else f"{c} AS {q(k)}" for k, c in names.items())',
        CMP + "Eq_Is",
    ): ('two f-strings are never one object: every column gets `"c" AS "c"`, which reads the same'),
    (
        "day03_orm/orm.py",
        'others = ", ".join(f"{c} = ?" for k, c in names.items() if k != primary_key)',
        CMP + "NotEq_IsNot",
    ): ("the primary key's name is the very string that keys the mappings"),
    (
        "day03_orm/orm.py",
        "args = [self.get(key) for key in self.__mappings__ if key != pk] + [self.get(pk)]",
        CMP + "NotEq_IsNot",
    ): ("the primary key's name is the very string that keys the mappings"),
    (
        "day03_orm/orm.py",
        'attrs["__mappings__"], attrs["__primary_key__"] = mappings, keys[0]',
        NUMBER,
        'attrs["__mappings__"], attrs["__primary_key__"] = mappings, keys[ -1]',
    ): "keys holds exactly one name (checked above): keys[-1] is keys[0]",
    (
        "day03_orm/orm.py",
        "b.name: _statements(b, table, mappings, keys[0]) for b in BACKENDS.values()",
        NUMBER,
        "b.name: _statements(b, table, mappings, keys[ -1]) for b in BACKENDS.values()",
    ): "keys holds exactly one name (checked above): keys[-1] is keys[0]",
    (
        "day03_orm/orm.py",
        "if len(pair) != 2 or not all(type(n) is int and n >= 0 for n in pair):",
        CMP + "Is_Eq",
    ): ("`type(n) == int` and `type(n) is int` agree for every value"),
    (
        "day03_orm/orm.py",
        'if not match or (match[2] == "*" and match[1].lower() != "count"):',
        CMP + "Eq_Is",
    ): ('CPython keeps one object per one-character string: `is` agrees with `==` for "*"'),
    (
        "day03_orm/orm.py",
        'argument = "*" if argument == "*" else cls._column(argument)',
        CMP + "Eq_Is",
    ): ('CPython keeps one object per one-character string: `is` agrees with `==` for "*"'),
    (
        "day03_orm/orm.py",
        'argument = "*" if argument == "*" else cls._column(argument)',
        CMP + "Eq_LtE",
    ): ('the argument is "*" or a \\w+ name, and every \\w character sorts after "*"'),
    (
        "day03_orm/orm.py",
        'rows = await select(sql + (f" WHERE {where}" if where else ""), args, 1)',
        NUMBER,
        'rows = await select(sql + (f" WHERE {where}" if where else ""), args, 2)',
    ): "findNumber reads the first row only",
    (
        "day03_orm/orm.py",
        'return rows[0]["_num_"] if rows else None',
        NUMBER,
        'return rows[ -1]["_num_"] if rows else None',
    ): ("size=1 leaves at most one row: rows[-1] is rows[0]"),
    (
        "day03_orm/orm.py",
        "if await execute(self.__sql__[_current().name].update, args) == 0:",
        CMP + "Eq_LtE",
    ): ("a count of rows is never below 0"),
    (
        "day03_orm/orm.py",
        "if await execute(self.__sql__[_current().name].delete, [self.get(pk)]) == 0:",
        CMP + "Eq_LtE",
    ): ("a count of rows is never below 0"),
    (
        "day01/__main__.py",
        'if __name__ == "__main__":',
        "core/ReplaceComparisonOperator_Eq_Is",
    ): "CPython interns both strings: `is` agrees with `==`",
    (
        "day01/__main__.py",
        'if __name__ == "__main__":',
        "core/ReplaceComparisonOperator_Eq_LtE",
    ): 'run, `__name__` is "__main__"; imported, it is "<day>.__main__", which sorts after it',
    (
        "day02/__main__.py",
        'if __name__ == "__main__":',
        "core/ReplaceComparisonOperator_Eq_Is",
    ): "CPython interns both strings: `is` agrees with `==`",
    (
        "day02/__main__.py",
        'if __name__ == "__main__":',
        "core/ReplaceComparisonOperator_Eq_LtE",
    ): 'run, `__name__` is "__main__"; imported, it is "<day>.__main__", which sorts after it',
    (
        "day03_orm/__main__.py",
        'if __name__ == "__main__":',
        "core/ReplaceComparisonOperator_Eq_Is",
    ): "CPython interns both strings: `is` agrees with `==`",
    (
        "day03_orm/__main__.py",
        'if __name__ == "__main__":',
        "core/ReplaceComparisonOperator_Eq_LtE",
    ): 'run, `__name__` is "__main__"; imported, it is "<day>.__main__", which sorts after it',
    (
        "day03_orm/__main__.py",
        'print([n.title for n in await Note.findAll("title LIKE ?", ["%a%"], "title desc", 2)])',
        NUMBER,
    ): "the walk-through's query matches one note: a limit of 1, 2 or 3 prints the same",
    # day04_models
    ("day04_models/__main__.py", 'if __name__ == "__main__":', CMP + "Eq_LtE"): (
        'run, `__name__` is "__main__"; imported, it is "<day>.__main__", which sorts after it'
    ),
    # day05_web
    ("day05_web/__main__.py", 'if __name__ == "__main__":', CMP + "Eq_LtE"): (
        'run, `__name__` is "__main__"; imported, it is "<day>.__main__", which sorts after it'
    ),
    (
        "day05_web/__main__.py",
        'author = found[0] if found else User(email=DEMO_EMAIL, passwd="", name="Demo", image="")',
        NUMBER,
        "author = found[ -1] if found else "
        'User(email=DEMO_EMAIL, passwd="", name="Demo", image="")',
    ): "the email is unique: at most one user is found, and found[-1] is found[0]",
    ("day05_web/middlewares.py", "elapsed = (time.perf_counter() - started) * 1000", NUMBER): (
        "999 or 1001 ms a second moves the logged time by 0.1%, less than two runs of one request "
        "differ"
    ),
    (
        "day05_web/middlewares.py",
        "elapsed = (time.perf_counter() - started) * 1000",
        BINARY + "Sub_Mod",
    ): (
        "perf_counter counts from the boot: t % started is t - started for any request shorter "
        "than the machine's uptime"
    ),
    ("day05_web/app.py", "if seconds < 60:", CMP + "Lt_LtE"): (
        "differs only for an age of exactly 60.0 s, to the last bit of a float the filter reads "
        "from its own clock"
    ),
    ("day05_web/app.py", "if seconds < limit:", CMP + "Lt_LtE"): (
        "differs only for an age of exactly an hour, a day or a week, to the last bit of a float "
        "the filter reads from its own clock"
    ),
    ("day05_web/app.py", "n = int(seconds // size)", BINARY + "FloorDiv_Div"): (
        "seconds is at least size here: int() truncates the positive quotient as // floors it"
    ),
    (
        "day05_web/app.py",
        'return f"{n} {unit} ago" if n == 1 else f"{n} {unit}s ago"',
        CMP + "Eq_LtE",
    ): "n is at least 1 here (the age is at least one unit): n <= 1 is n == 1",
    (
        "day05_web/coroweb.py",
        "if isinstance(value, str) and value.lower() in TRUE | FALSE:",
        BINARY + "BitOr_BitXor",
    ): "TRUE and FALSE share no word: their symmetric difference is their union",
    (
        "day05_web/coroweb.py",
        'if parameter.name == "request" and kind != parameter.POSITIONAL_ONLY:',
        CMP + "NotEq_Gt",
    ): "POSITIONAL_ONLY is the lowest of the five parameter kinds: > it is != it",
    (
        "day05_web/coroweb.py",
        "elif parameter.name in placeholders and kind != parameter.POSITIONAL_ONLY:",
        CMP + "NotEq_Gt",
    ): "POSITIONAL_ONLY is the lowest of the five parameter kinds: > it is != it",
    # day06_final
    ("day06_final/__main__.py", 'if __name__ == "__main__":', CMP + "Eq_LtE"): (
        'run, `__name__` is "__main__"; imported, it is "<day>.__main__", which sorts after it'
    ),
    (
        "day06_final/orm.py",
        'others = ", ".join(f"{c} = ?" for k, c in names.items() if k != primary_key)',
        CMP + "NotEq_IsNot",
    ): ("the primary key's name is the very string that keys the mappings"),
    (
        "day06_final/orm.py",
        "args = [self.get(key) for key in self.__mappings__ if key != pk] + [self.get(pk)]",
        CMP + "NotEq_IsNot",
    ): ("the primary key's name is the very string that keys the mappings"),
    (
        "day06_final/sessions.py",
        'secure=config.secure_cookie == "always" or request.secure,',
        CMP + "Eq_LtE",
    ): 'Config accepts only "auto" and "always", and "auto" sorts after "always"',
    (
        "day06_final/middlewares.py",
        "if exc.status < 400:  # a redirect is an answer, not a failure",
        NUMBER,
        "if exc.status < 399:  # a redirect is an answer, not a failure",
    ): "no HTTP status is 399: < 399 and < 400 sort every real status alike",
    ("day06_final/middlewares.py", "elapsed = (time.perf_counter() - started) * 1000", NUMBER): (
        "999 or 1001 ms a second moves the logged time by 0.1%, less than two runs of one request "
        "differ"
    ),
    (
        "day06_final/middlewares.py",
        "elapsed = (time.perf_counter() - started) * 1000",
        BINARY + "Sub_Mod",
    ): (
        "perf_counter counts from the boot: t % started is t - started for any request shorter "
        "than the machine's uptime"
    ),
    (
        "day06_final/orm.py",
        "return (rows[0].keys() if rows else []), rows",
        NUMBER,
        "return (rows[ -1].keys() if rows else []), rows",
    ): "every row of a result has the same columns",
    (
        "day06_final/orm.py",
        "return f\"{function.lower()}({'*' if argument == '*' else model._column(argument)})\"",
        CMP + "Eq_LtE",
    ): ('the argument is "*" or a \\w+ name, and every \\w character sorts after "*"'),
}


@dataclass
class Mutant:
    path: str
    line: int
    operator: str
    occurrence: int
    outcome: str  # killed, survived, equivalent
    source: str = ""
    reason: str = ""
    mutated: str = ""  # the line as the mutant has it


@dataclass
class DayResult:
    day: str
    files: list[str]
    listed: int = 0
    in_annotations: int = 0
    mutants: list[Mutant] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(m.outcome == outcome for m in self.mutants)

    @property
    def score(self) -> float | None:
        scored = self.count("killed") + self.count("survived")
        return self.count("killed") / scored if scored else None


def own_files(day: str, root: Path = REPO) -> list[str]:
    """The .py files of ``day`` that are new or differ from the previous day's copy."""
    folder = root / day
    index = DAYS.index(day)
    previous = root / DAYS[index - 1] if index else None
    files = []
    for path in sorted(folder.rglob("*.py")):
        relative = path.relative_to(folder)
        if "__pycache__" in relative.parts or path.name == "__init__.py":
            continue
        before = previous / relative if previous else None
        if before is None or not before.exists() or before.read_bytes() != path.read_bytes():
            files.append(f"{day}/{relative.as_posix()}")
    return files


def scratch_copy(destination: Path) -> None:
    """The repository without its history, instance folders and caches."""
    ignore = shutil.ignore_patterns(
        ".git", "__pycache__", ".pytest_cache", ".ruff_cache", "instance", "build", "grades", "*.db"
    )
    for entry in REPO.iterdir():
        if entry.name in {".git", "build", "grades", "benchmarks"}:
            continue
        target = destination / entry.name
        if entry.is_dir():
            shutil.copytree(entry, target, ignore=ignore)
        else:
            shutil.copy2(entry, target)


def test_command(day: str) -> str:
    own = f"tests/{day}"
    carried = f"{own}/test_carried_forward.py"
    return (
        f"{sys.executable} -m pytest -x -q -p no:cacheprovider --no-header {own} --ignore={carried}"
    )


def config_text(day: str, files: list[str], timeout: float) -> str:
    modules = ", ".join(f'"{f}"' for f in files)
    return (
        "[cosmic-ray]\n"
        f"module-path = [{modules}]\n"
        f"timeout = {timeout}\n"
        "excluded-modules = []\n"
        f'test-command = "{test_command(day)}"\n'
        "[cosmic-ray.distributor]\n"
        'name = "local"\n'
    )


def lazy_annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where a module's annotations are, if ``from __future__ import annotations`` keeps Python
    from evaluating them (a mutant there changes nothing); otherwise none."""
    tree = ast.parse(source)
    lazy = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(alias.name == "annotations" for alias in node.names)
        for node in tree.body
    )
    spans = []
    for node in ast.walk(tree) if lazy else ():
        annotations = []
        if isinstance(node, ast.arg | ast.AnnAssign):
            annotations.append(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            annotations.append(node.returns)
        for annotation in filter(None, annotations):
            start = (annotation.lineno, annotation.col_offset)
            spans.append((start, (annotation.end_lineno, annotation.end_col_offset)))
    return spans


def sample(work_db: WorkDB, size: int, seed: int, scratch: Path) -> tuple[int, int]:
    """Keep a seeded sample of ``size`` mutants and mark the others skipped.

    Returns (mutants listed, mutants in lazy annotations): the operators in LEFT_OUT_OPERATORS
    and the annotation mutants are never run.
    """
    spans: dict[str, list] = {}
    eligible, in_annotations = [], 0
    for item in sorted(work_db.pending_work_items, key=lambda item: item.job_id):
        spec = item.mutations[0]
        path = Path(spec.module_path).as_posix()
        if path not in spans:
            spans[path] = lazy_annotation_spans((scratch / path).read_text(encoding="utf-8"))
        position = tuple(spec.start_pos)
        annotated = any(start <= position < end for start, end in spans[path])
        in_annotations += annotated
        if spec.operator_name in LEFT_OUT_OPERATORS or annotated:
            work_db.set_result(
                item.job_id, WorkResult(output="left out", worker_outcome=WorkerOutcome.SKIPPED)
            )
        else:
            eligible.append(item)
    eligible.sort(
        key=lambda item: (
            str(item.mutations[0].module_path),
            tuple(item.mutations[0].start_pos),
            item.mutations[0].operator_name,
            item.mutations[0].occurrence,
        )
    )
    chosen = set(random.Random(seed).sample(range(len(eligible)), min(size, len(eligible))))
    for index, item in enumerate(eligible):
        if index not in chosen:
            work_db.set_result(
                item.job_id, WorkResult(output="not sampled", worker_outcome=WorkerOutcome.SKIPPED)
            )
    return len(eligible), in_annotations


def run_day(day: str, scratch: Path, size: int, seed: int, timeout: float) -> DayResult:
    files = own_files(day, scratch)
    result = DayResult(day, files)
    if not files:
        return result
    config = scratch / f"mutation-{day}.toml"
    session = scratch / f"mutation-{day}.sqlite"
    config.write_text(config_text(day, files, timeout), encoding="utf-8")
    cosmic_ray = [sys.executable, "-m", "cosmic_ray.cli"]
    subprocess.run([*cosmic_ray, "init", str(config), str(session)], cwd=scratch, check=True)
    with use_db(str(session)) as work_db:
        result.listed, result.in_annotations = sample(work_db, size, seed, scratch)
    started = time.monotonic()
    subprocess.run(
        [*cosmic_ray, "exec", str(config), str(session)],
        cwd=scratch,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    result.seconds = time.monotonic() - started
    with use_db(str(session), WorkDB.Mode.open) as work_db:
        for item, work_result in work_db.completed_work_items:
            if work_result.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            spec = item.mutations[0]
            path = Path(spec.module_path).as_posix()
            line = spec.start_pos[0]
            source = (scratch / path).read_text(encoding="utf-8").splitlines()[line - 1].strip()
            diff = (work_result.diff or "").splitlines()
            mutated = next((t[1:].strip() for t in diff if t[:1] == "+" and t[:3] != "+++"), "")
            operator = spec.operator_name
            key = (path, source, operator)
            reason = EQUIVALENT.get((*key, mutated)) or EQUIVALENT.get(key)
            if reason:
                outcome = "equivalent"
            elif work_result.test_outcome == TestOutcome.SURVIVED:
                outcome, reason = "survived", ""
            else:
                # Killed, or incompetent (the mutant does not even import): caught either way.
                outcome, reason = "killed", ""
            result.mutants.append(
                Mutant(path, line, operator, spec.occurrence, outcome, source, reason, mutated)
            )
    result.mutants.sort(key=lambda m: (m.path, m.line, m.operator, m.occurrence))
    return result


def intro() -> list[str]:
    """The section's opening: what is measured and the target (each day has its own part)."""
    return [
        SECTION,
        "",
        "`python -m benchmarks.mutation DAY --sample N --seed S` (cosmic-ray). Each day's part "
        "is written by its own run: a seeded sample of mutants of the day's own files, each run "
        "against the day's own checks; caught = a check failed or timed out. "
        f"Target: at least {TARGET:.0%} caught per day. Mutants inside annotations that "
        "`from __future__ import annotations` leaves unevaluated change nothing and are not run.",
    ]


def report(result: DayResult, size: int, seed: int, command: str, date: str) -> list[str]:
    """The day's part of the section: its figures, its survivors and its equivalent mutants."""
    r = result
    score = r.score
    shown = "-" if score is None else f"{score:.0%}"
    verdict = "-" if score is None else ("met" if score >= TARGET else "under")
    run = r.count("killed") + r.count("survived") + r.count("equivalent")
    lines = [
        f"### {r.day}",
        "",
        f"`{command}` on {date}, {r.seconds / 60:.0f} min: a sample of {size} (seed {seed}).",
        "",
        "| own files | mutants | in annotations | run | caught | survived | equivalent |"
        " score | target |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| {len(r.files)} | {r.listed} | {r.in_annotations} | {run} | {r.count('killed')} | "
        f"{r.count('survived')} | {r.count('equivalent')} | {shown} | {verdict} |",
    ]
    if LEFT_OUT_OPERATORS:
        left_out = "; ".join(f"`{k}`: {v}" for k, v in LEFT_OUT_OPERATORS.items())
        lines += ["", f"Operators left out: {left_out}."]
    survivors = [m for m in r.mutants if m.outcome == "survived"]
    equivalent = [m for m in r.mutants if m.outcome == "equivalent"]
    if survivors:
        lines += ["", "Surviving mutants:", ""]
        lines += [
            f"- `{m.path}:{m.line}` {m.operator} #{m.occurrence}: `{m.source}` -> `{m.mutated}`"
            for m in survivors
        ]
    if equivalent:
        lines += ["", "Equivalent mutants (not scored):", ""]
        lines += [
            f"- `{m.path}:{m.line}` {m.operator}: `{m.mutated}`: {m.reason}" for m in equivalent
        ]
    return lines


def split_section(text: str) -> tuple[str, dict[str, str], str]:
    """(what comes before the section, each day's part by day, what comes after it)."""
    start = text.find(SECTION)
    if start < 0:
        return text, {}, ""
    end = text.find("\n## ", start + len(SECTION))
    body, after = (text[start : end + 1], text[end + 1 :]) if end >= 0 else (text[start:], "")
    parts = {}
    for chunk in body.split("\n### ")[1:]:
        day = chunk.split("\n", 1)[0].strip()
        parts[day] = "### " + chunk.rstrip("\n")
    return text[:start], parts, after


def write_section(output: Path, days: dict[str, list[str]]) -> None:
    """Write each measured day's part into the section of ``output``, keeping the other days'
    parts and everything outside the section."""
    text = output.read_text(encoding="utf-8") if output.exists() else ""
    before, parts, after = split_section(text)
    parts.update({day: "\n".join(lines) for day, lines in days.items()})
    section = "\n".join(intro()) + "".join(f"\n\n{parts[day]}" for day in DAYS if day in parts)
    before = before.rstrip("\n") + ("\n\n" if before.strip() else "")
    output.write_text(before + section + "\n" + ("\n" + after if after else ""), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.mutation", description=__doc__.splitlines()[0]
    )
    parser.add_argument("days", nargs="*", metavar="DAY", help="days to measure (default: all)")
    parser.add_argument("--sample", type=int, default=40, help="mutants run per day (40)")
    parser.add_argument("--seed", type=int, default=1, help="the sample's seed (1)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per mutant run (300)")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    days = args.days or list(DAYS)
    unknown = set(days) - set(DAYS)
    if unknown:
        parser.error(f"unknown day {', '.join(sorted(unknown))}")
    date = time.strftime("%Y-%m-%d", time.gmtime())
    written: dict[str, list[str]] = {}
    results = []
    with tempfile.TemporaryDirectory(prefix="mutation-") as scratch:
        scratch_copy(Path(scratch))
        for day in days:
            print(f"{day}: mutating {', '.join(own_files(day))}", flush=True)
            result = run_day(day, Path(scratch), args.sample, args.seed, args.timeout)
            print(
                f"{day}: caught {result.count('killed')}, survived {result.count('survived')} "
                f"in {result.seconds:.0f} s",
                flush=True,
            )
            command = (
                f"python -m benchmarks.mutation {day} --sample {args.sample} --seed {args.seed}"
            )
            written[day] = report(result, args.sample, args.seed, command, date)
            print("\n".join(written[day]), flush=True)
            results.append(result)
    write_section(args.output, written)
    print(f"written to {args.output}")
    return 0 if all(r.score is None or r.score >= TARGET for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
