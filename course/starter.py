"""``python -m course starter DAY DEST``: a day's starting point, generated from the reference.

DEST/DAY holds the day before's files, plus the day's own files with its work taken out: every
function or method that is new or changed since the day before (compared with ``ast``, by
qualified name and source without comments or docstring) keeps its signature, decorators and
docstring, and raises ``NotImplementedError`` with a hint naming the README section to read.
Everything else (imports, classes, constants, templates, static files, unchanged files) comes
as it is, so the starter imports. ``--onto FOLDER`` starts from the student's own copy of the
day before instead, and changes only what the day changes.

A stub that would run while a module is being imported (a metaclass, a decorator, a field
built in a class body) cannot raise, or nothing would import: it gets a placeholder body that
lets the import through, with the hint as a comment. A plain function called at import time
keeps its reference body, and the command says so.
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import shutil
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from course._days import DAYS, REPO, compare, day_number, files, previous, sections

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


# --- which functions are the day's work -------------------------------------------------------


def definitions(tree: ast.Module) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """Top-level functions and the methods of classes (nested classes too), by qualified name."""
    found = {}

    def walk(body, prefix):
        for node in body:
            if isinstance(node, FUNCTIONS):
                found[prefix + node.name] = node
            elif isinstance(node, ast.ClassDef):
                walk(node.body, f"{prefix}{node.name}.")

    walk(tree.body, "")
    return found


def docstring_node(node) -> ast.Expr | None:
    first = node.body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return first
    return None


def fingerprint(node) -> str:
    """The function as ``ast`` sees it, without its docstring: comments and layout do not count."""
    node = copy.deepcopy(node)
    if docstring_node(node) is not None and len(node.body) > 1:
        node.body = node.body[1:]
    return ast.dump(node)


def new_work(before: str | None, after: str) -> dict[str, str]:
    """Qualified name -> "new" or "changed", for each function of ``after`` not as in ``before``."""
    old = definitions(ast.parse(before)) if before is not None else {}
    work = {}
    for name, node in definitions(ast.parse(after)).items():
        if name not in old:
            work[name] = "new"
        elif fingerprint(old[name]) != fingerprint(node):
            work[name] = "changed"
    return work


def _classes(tree: ast.Module) -> dict[str, ast.ClassDef]:
    """Every class outside functions, by qualified name."""
    found = {}

    def walk(body, prefix):
        for node in body:
            if isinstance(node, ast.ClassDef):
                found[prefix + node.name] = node
                walk(node.body, f"{prefix}{node.name}.")

    walk(tree.body, "")
    return found


def _declared(node: ast.ClassDef) -> list[ast.Assign]:
    """A class's attributes made by a call, such as a model's ``email = StringField(...)``."""
    return [
        statement
        for statement in node.body
        if isinstance(statement, ast.Assign)
        and isinstance(statement.value, ast.Call)
        and all(isinstance(target, ast.Name) for target in statement.targets)
    ]


def new_declarations(before: str | None, after: str, classes: Classes) -> dict[str, list[str]]:
    """For each class new in ``after`` whose metaclass reads its attributes (a model and its
    fields), the attributes made by a call that a student declares: every one but the first
    (the first keeps the class valid, as a model needs its primary key)."""
    old = _classes(ast.parse(before)) if before is not None else {}
    found = {}
    for qualname, node in _classes(ast.parse(after)).items():
        declared = _declared(node)
        if qualname in old or len(declared) < 2:
            continue
        if any(
            classes.metaclass_of(base)
            for base in classes.get(node.name, _Class([], None, {})).bases
        ):
            found[qualname] = [s.targets[0].id for s in declared[1:]]
    return found


def strip_declarations(source: str, hints: dict[str, str]) -> str:
    """``source`` without the declarations ``new_declarations`` found, a to-do comment in their
    place: ``hints`` maps each class to its comment."""
    tree = ast.parse(source)
    lines = _byte_lines(source)
    drop: dict[int, bytes] = {}
    for qualname, node in _classes(tree).items():
        if qualname not in hints:
            continue
        declared = _declared(node)[1:]
        indent = " " * declared[0].col_offset
        comment = textwrap.wrap(hints[qualname], 96 - len(indent) - 2)
        rows = []
        for statement in declared:
            row = statement.lineno
            # A comment just above a declaration goes with it.
            while lines[row - 2].strip().startswith(b"#"):
                row -= 1
            rows += range(row, statement.end_lineno + 1)
        drop.update(dict.fromkeys(rows, b""))
        drop[rows[0]] = "".join(f"{indent}# {line}\n" for line in comment).encode("utf-8")
    return b"".join(drop.get(n, line) for n, line in enumerate(lines, 1)).decode("utf-8")


# --- what runs while a module is imported -----------------------------------------------------


def _simple_name(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


class _ImportTimeUses(ast.NodeVisitor):
    """Names called, used as decorators or as bases while a module runs (not inside functions)."""

    def __init__(self):
        self.uses: set[tuple[str, str]] = set()

    def _decorators(self, node):
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call):
                name = _simple_name(decorator.func)
                if name:
                    self.uses.add(("factory", name))
                for part in [*decorator.args, *decorator.keywords]:
                    self.visit(part)
            else:
                name = _simple_name(decorator)
                if name:
                    self.uses.add(("decorator", name))

    def _function(self, node):
        self._decorators(node)
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                self.visit(default)

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Lambda(self, node):
        pass

    def visit_If(self, node):
        # `if __name__ == "__main__":` runs when the module is a program, not when imported.
        test = node.test
        if (
            isinstance(test, ast.Compare)
            and isinstance(test.left, ast.Name)
            and test.left.id == "__name__"
        ):
            for statement in node.orelse:
                self.visit(statement)
            return
        self.generic_visit(node)

    def visit_ClassDef(self, node):
        self._decorators(node)
        for base in node.bases:
            name = _simple_name(base)
            if name:
                self.uses.add(("base", name))
            self.visit(base)
        for keyword in node.keywords:
            if keyword.arg == "metaclass" and _simple_name(keyword.value):
                self.uses.add(("metaclass", _simple_name(keyword.value)))
            self.visit(keyword.value)
        for statement in node.body:
            self.visit(statement)

    def visit_Call(self, node):
        name = _simple_name(node.func)
        if name:
            self.uses.add(("call", name))
        self.generic_visit(node)


def _calls_in(node) -> set[tuple[str, str]]:
    """Every call inside a function body: what a function kept for import time runs in turn."""
    return {
        ("call", _simple_name(n.func))
        for n in ast.walk(node)
        if isinstance(n, ast.Call) and _simple_name(n.func)
    }


@dataclass
class _Class:
    bases: list[str]
    metaclass: str | None
    methods: dict[str, str]  # method name -> "module:qualified name"


class Classes(dict):
    """The classes of a day's modules by name, with their bases, metaclass and methods; a
    class made by calling ``type(name, bases, attrs)`` at module level counts too."""

    def __init__(self, trees: dict[str, ast.Module]):
        super().__init__()
        for module, tree in trees.items():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    metaclass = next(
                        (_simple_name(k.value) for k in node.keywords if k.arg == "metaclass"),
                        None,
                    )
                    methods = {
                        n.name: f"{module}:{q}"
                        for q, n in definitions(ast.Module(body=[node], type_ignores=[])).items()
                        if q.count(".") == 1
                    }
                    bases = [_simple_name(b) for b in node.bases if _simple_name(b)]
                    self[node.name] = _Class(bases, metaclass, methods)
            for node in tree.body:
                made = node.value if isinstance(node, ast.Assign) else None
                if (
                    isinstance(made, ast.Call)
                    and _simple_name(made.func) == "type"
                    and len(made.args) == 3
                    and isinstance(made.args[1], ast.Tuple)
                ):
                    bases = [_simple_name(b) for b in made.args[1].elts if _simple_name(b)]
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            self[target.id] = _Class(bases, None, {})

    def ancestors(self, name: str, seen: set | None = None) -> list[str]:
        """The class and the classes it derives from, nearest first (those of the day only)."""
        seen = seen if seen is not None else set()
        if name in seen or name not in self:
            return []
        seen.add(name)
        found = [name]
        for base in self[name].bases:
            found += self.ancestors(base, seen)
        return found

    def metaclass_of(self, name: str) -> str | None:
        for ancestor in self.ancestors(name):
            if self[ancestor].metaclass:
                return self[ancestor].metaclass
        return None


def import_time(trees: dict[str, ast.Module], work: set[str]) -> dict[str, str]:
    """Which of the day's work (``"module:qualname"``) runs at import, and how: "decorator",
    "factory" (a decorator's maker), "dunder" (a special method run by a class statement or
    call) or "call" (a plain function called at import, which must keep its body)."""
    classes = Classes(trees)
    ancestors, metaclass_of = classes.ancestors, classes.metaclass_of
    functions: dict[str, list[str]] = {}
    for module, tree in trees.items():
        for qualname in definitions(tree):
            if "." not in qualname:
                functions.setdefault(qualname, []).append(f"{module}:{qualname}")

    def dunders(class_names, names):
        return [
            (classes[c].methods[m], "dunder")
            for top in class_names
            for c in ancestors(top)
            for m in names
            if m in classes[c].methods
        ]

    found: dict[str, str] = {}
    pending: set[tuple[str, str]] = set()
    for tree in trees.values():
        visitor = _ImportTimeUses()
        visitor.visit(tree)
        pending |= visitor.uses
    done: set[tuple[str, str]] = set()
    while pending:
        use = pending.pop()
        done.add(use)
        kind, name = use
        targets: list[tuple[str, str]] = []
        if kind in ("base", "metaclass"):
            meta = name if kind == "metaclass" else metaclass_of(name)
            if meta:
                targets += dunders([meta], ("__prepare__", "__new__", "__init__"))
            if kind == "base":
                targets += dunders([name], ("__init_subclass__",))
        elif name in classes:
            targets += dunders([name], ("__new__", "__init__", "__post_init__", "__set_name__"))
            meta = metaclass_of(name)
            if meta:
                targets += dunders([meta], ("__call__",))
        else:
            how = kind if kind in ("decorator", "factory") else "call"
            targets += [(key, how) for key in functions.get(name, [])]
        for key, how in targets:
            if key not in work or key in found:
                continue
            found[key] = how
            if how == "call":
                module, qualname = key.split(":")
                pending |= _calls_in(definitions(trees[module])[qualname]) - done
    return found


# --- writing the stubs ------------------------------------------------------------------------


@dataclass
class Stub:
    qualname: str
    status: str  # "new" or "changed"
    how: str  # "raise", or a placeholder kind from import_time, or "kept"
    hint: str


def section_for(readme: str, names: list[str]) -> str:
    """The README section a stub's hint points to: the first heading naming the function (or
    else its module), else the first section whose text names it in code, else the
    walk-through (or the list of what changed). The sections "What you will build" and "What
    changed since" are summaries: a section that explains comes first."""
    found = sections(readme)
    for name in names:
        for title, _ in found:
            if name in title.split(", ")[-1].replace("`", " ").replace("(", " ").split():
                return title
    summaries = ("what you will build", "what changed since")
    explained = [s for s in found if not s[0].lower().startswith(summaries)]
    others = [s for s in found if s[0].lower().startswith(summaries)]
    for name in names:
        pattern = re.compile(rf"`[^`]*\b{re.escape(name)}\b[^`]*`")
        for title, text in explained + others:
            if pattern.search(text):
                return title
    for word in ("walk", "what changed"):
        for title, _ in found:
            if word in title.lower():
                return title
    return found[0][0] if found else "the README"


def _hint(day: str, module: str, qualname: str, status: str, node, readme: str) -> str:
    stem = Path(module).stem
    title = section_for(readme, [qualname, qualname.split(".")[-1], module, stem])
    what = "new today" if status == "new" else f"changed since {previous(day)}"
    doc = docstring_node(node)
    summary = ""
    if doc is not None:
        summary = " " + doc.value.value.strip().splitlines()[0].strip()
        summary = summary if summary.endswith(".") else summary + "."
    return (
        f"day {day_number(day)}: write {qualname} in {module} ({what}); "
        f'read "{title}" in {day}/README.md.{summary}'
    )


def _declaration_hint(day: str, module: str, qualname: str, names: list[str], readme: str):
    title = section_for(readme, [qualname, module, Path(module).stem])
    return (
        f"To do (day {day_number(day)}): declare {qualname}'s other fields, "
        f'{", ".join(names)}. Read "{title}" in {day}/README.md.'
    )


def _raise_lines(hint: str) -> list[str]:
    parts = textwrap.wrap(hint, 72, drop_whitespace=False)
    return ["raise NotImplementedError(", *[f"    {part!r}" for part in parts], ")"]


def _placeholder_lines(node, how: str, hint: str) -> list[str]:
    comment = textwrap.wrap(
        "Placeholder: this runs while a module is imported, so it must not raise. " + hint, 88
    )
    lines = [f"# {line}" for line in comment]
    args = node.args
    positional = [a.arg for a in [*args.posonlyargs, *args.args]]
    if how == "decorator":
        return lines + [f"return {positional[0] if positional else 'None'}"]
    if how == "factory":
        return lines + ["return lambda function: function"]
    if node.name == "__new__":
        passed = positional + ([f"*{args.vararg.arg}"] if args.vararg else [])
        passed += [f"{a.arg}={a.arg}" for a in args.kwonlyargs]
        passed += [f"**{args.kwarg.arg}"] if args.kwarg else []
        return lines + [f"return super().__new__({', '.join(passed)})"]
    if node.name == "__prepare__":
        return lines + ["return {}"]
    return lines + ["pass"]


def _byte_lines(source: str) -> list[bytes]:
    return source.encode("utf-8").splitlines(keepends=True)


def _offset(lines: list[bytes], line: int, col: int) -> int:
    """A position in the file's bytes from ast's (1-based line, byte column)."""
    return sum(len(x) for x in lines[: line - 1]) + col


def stub_module(source: str, stubs: dict[str, Stub]) -> str:
    """``source`` with the body of each function named in ``stubs`` replaced (unless kept)."""
    tree = ast.parse(source)
    lines = _byte_lines(source)
    data = b"".join(lines)
    edits = []
    for qualname, node in definitions(tree).items():
        stub = stubs.get(qualname)
        if stub is None or stub.how == "kept":
            continue
        body = _raise_lines(stub.hint) if stub.how == "raise" else None
        if body is None:
            body = _placeholder_lines(node, stub.how, stub.hint)
        end = _offset(lines, node.end_lineno, node.end_col_offset)
        doc = docstring_node(node)
        first = node.body[0]
        indent = " " * first.col_offset
        if doc is not None:
            start = _offset(lines, doc.end_lineno, doc.end_col_offset)
            text = "".join(f"\n{indent}{line}" for line in body)
        elif first.lineno == node.lineno or (
            node.decorator_list and first.lineno == node.decorator_list[0].lineno
        ):
            # A one-line function: the stub stays on its line.
            start = _offset(lines, first.lineno, first.col_offset)
            text = f"raise NotImplementedError({stub.hint!r})" if stub.how == "raise" else body[-1]
        else:
            row = first.lineno
            # Comments just above the first statement are part of the work too.
            while row - 1 > node.lineno and lines[row - 2].strip().startswith(b"#"):
                row -= 1
            start = _offset(lines, row, 0)
            text = f"\n{indent}".join(body)
            text = indent + text
        edits.append((start, end, text.encode("utf-8")))
    for start, end, text in sorted(edits, reverse=True):
        data = data[:start] + text + data[end:]
    return data.decode("utf-8")


# --- a whole day ------------------------------------------------------------------------------


@dataclass
class Plan:
    """What the starter of one day holds and what it stubbed."""

    day: str
    files: dict[str, bytes] = field(default_factory=dict)
    stubs: dict[str, list[Stub]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    declarations: dict[str, dict[str, list[str]]] = field(default_factory=dict)


def _module_name(path: str) -> str | None:
    return path[:-3].replace("/", ".") if path.endswith(".py") else None


def plan(day: str, root: Path = REPO) -> Plan:
    """The starter of ``day`` from the reference under ``root``, without writing anything."""
    before, after = root / previous(day), root / day
    status = compare(before, after)
    new_files = files(after)
    readme = (
        (after / "README.md").read_text(encoding="utf-8") if (after / "README.md").exists() else ""
    )
    trees = {
        name: ast.parse(path.read_text(encoding="utf-8"))
        for name, path in new_files.items()
        if name.endswith(".py")
    }
    work: dict[str, dict[str, str]] = {}
    sources = {name: new_files[name].read_text(encoding="utf-8") for name in trees}
    declarations: dict[str, dict[str, list[str]]] = {}
    day_classes = Classes(trees)
    for name in trees:
        if status[name] in ("added", "changed"):
            old = (before / name).read_text(encoding="utf-8") if status[name] == "changed" else None
            found = new_work(old, sources[name])
            if found:
                work[name] = found
            declared = new_declarations(old, sources[name], day_classes)
            if declared:
                declarations[name] = declared
                hints = {
                    qualname: _declaration_hint(day, name, qualname, fields, readme)
                    for qualname, fields in declared.items()
                }
                sources[name] = strip_declarations(sources[name], hints)
                trees[name] = ast.parse(sources[name])
    at_import = import_time(trees, {f"{m}:{q}" for m, found in work.items() for q in found})
    result = Plan(day, declarations=declarations)
    for name, path in new_files.items():
        data = path.read_bytes()
        if name in work or name in declarations:
            nodes = definitions(trees[name])
            stubs = {}
            for qualname, how in work.get(name, {}).items():
                hint = _hint(day, name, qualname, how, nodes[qualname], readme)
                kind = at_import.get(f"{name}:{qualname}", "raise")
                stubs[qualname] = Stub(qualname, how, "kept" if kind == "call" else kind, hint)
            data = stub_module(sources[name], stubs).encode("utf-8")
            if stubs:
                result.stubs[name] = list(stubs.values())
        result.files[name] = data
    result.removed = [name for name, s in status.items() if s == "removed"]
    return result


def _reindent(segment: str, indent: str) -> str:
    return textwrap.indent(textwrap.dedent(segment), indent, lambda line: line.strip() != "")


def _segment(source: str, node) -> str:
    """A definition's full source, decorators included, starting at its first column."""
    lines = _byte_lines(source)
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    data = b"".join(lines)
    start = _offset(lines, first, 0)
    end = _offset(lines, node.end_lineno, node.end_col_offset)
    return data[start:end].decode("utf-8")


def keep_students_code(reference: str, previous_reference: str, theirs: str) -> str:
    """The day's stubbed module with the student's own version of every function the day did
    not change, and their own top-level helpers appended."""
    try:
        their_tree = ast.parse(theirs)
    except SyntaxError:
        return reference
    their_defs = definitions(their_tree)
    unchanged = set(definitions(ast.parse(previous_reference))) - set(
        new_work(previous_reference, reference)
    )
    tree = ast.parse(reference)
    lines = _byte_lines(reference)
    data = b"".join(lines)
    edits = []
    ours = definitions(tree)
    for qualname, node in ours.items():
        if qualname not in unchanged or qualname not in their_defs:
            continue
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        start = _offset(lines, first, 0)
        end = _offset(lines, node.end_lineno, node.end_col_offset)
        text = _reindent(_segment(theirs, their_defs[qualname]), " " * node.col_offset)
        edits.append((start, end, text.encode("utf-8")))
    for start, end, text in sorted(edits, reverse=True):
        data = data[:start] + text + data[end:]
    extras = [
        _segment(theirs, node)
        for node in their_tree.body
        if isinstance(node, FUNCTIONS) and node.name not in ours
    ]
    if extras:
        data = data.rstrip(b"\n") + b"\n\n\n# --- your own helpers, kept from your copy ---\n\n\n"
        data += "\n\n\n".join(extras).encode("utf-8") + b"\n"
    return data.decode("utf-8")


def write(day: str, dest: Path, *, force: bool = False, onto: Path | None = None) -> Plan:
    """Write the starter of ``day`` into ``dest/day``; return what it holds."""
    target = (Path(dest) / day).resolve()
    if onto is not None:
        onto = Path(onto).resolve()
        if not onto.is_dir():
            raise SystemExit(f"--onto {onto}: no such folder")
        if onto == target or target in onto.parents:
            raise SystemExit(f"--onto {onto} is the folder being written: name another DEST")
    if target.exists() and any(target.iterdir()):
        if not force:
            raise SystemExit(f"{target} is not empty: pass --force to replace it")
        shutil.rmtree(target)
    result = plan(day)
    contents = dict(result.files)
    if onto is not None:
        status = compare(REPO / previous(day), REPO / day)
        theirs = files(onto)
        for name, path in theirs.items():
            if status.get(name, "same") in ("same",) or name not in status:
                contents[name] = path.read_bytes()
            elif status[name] == "changed" and name.endswith(".py"):
                contents[name] = keep_students_code(
                    result.files[name].decode("utf-8"),
                    (REPO / previous(day) / name).read_text(encoding="utf-8"),
                    path.read_text(encoding="utf-8"),
                ).encode("utf-8")
        for name in result.removed:
            contents.pop(name, None)
    for name, data in sorted(contents.items()):
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return result


def describe(result: Plan, target: Path) -> list[str]:
    """What the command prints: where the starter is and what is left for the student."""
    total = sum(s.how != "kept" for stubs in result.stubs.values() for s in stubs)
    lines = [f"{target}: the starter of {result.day}, {total} functions to write"]
    for name, stubs in sorted(result.stubs.items()):
        lines.append(f"  {name}: {', '.join(s.qualname for s in stubs if s.how != 'kept')}")
        placeholders = [s.qualname for s in stubs if s.how not in ("raise", "kept")]
        kept = [s.qualname for s in stubs if s.how == "kept"]
        if placeholders:
            lines.append(
                f"    placeholders (run at import, they do not raise): {', '.join(placeholders)}"
            )
        if kept:
            lines.append(f"    given as they are (called at import): {', '.join(kept)}")
    for name, declared in sorted(result.declarations.items()):
        for qualname, names in declared.items():
            lines.append(f"  {name}: {qualname}'s fields to declare: {', '.join(names)}")
    if result.removed:
        lines.append(f"  gone today: {', '.join(result.removed)}")
    lines.append(f"check it: pytest tests/{result.day} --workbook-root {target.parent}")
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course starter",
        description="make a day's starting point: the day before's files, the day's work as stubs",
    )
    parser.add_argument("day", choices=DAYS[1:], help="the day to start")
    parser.add_argument("dest", type=Path, help="the starter goes into DEST/DAY")
    parser.add_argument("--force", action="store_true", help="replace a non-empty DEST/DAY")
    parser.add_argument(
        "--onto",
        type=Path,
        metavar="FOLDER",
        help="start from your own copy of the day before (FOLDER is not changed)",
    )
    options = parser.parse_args(argv)
    try:
        result = write(options.day, options.dest, force=options.force, onto=options.onto)
    except SystemExit as exc:
        print(f"python -m course starter: {exc}", file=sys.stderr)
        return 1
    print("\n".join(describe(result, (options.dest / options.day).resolve())))
    return 0
