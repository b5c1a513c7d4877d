"""The route table: ``python -m day06_final routes`` prints every route the app serves, from the
app itself, and the README's tables of routes list exactly those, each with the same method,
path and who may call it."""

import re

import pytest

HEADER = ("METHOD", "PATH", "WHO MAY CALL IT", "HANDLER")
WHO = ("anyone", "signed in", "admin")
# A row of the README's route tables: | `METHOD` | `path` | who | what |
README_ROW = re.compile(r"^\| `([A-Z]+)` \| `([^`]+)` \| ([^|]+?) \|", re.M)


@pytest.fixture
def printed(run, tmp_path):
    """The rows ``python -m <day> routes`` prints, as (method, path, who, handler) tuples."""
    result = run("routes", "--db", f"sqlite:///{tmp_path / 'blog.db'}")
    assert result.returncode == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    starts = [header.index(title) for title in HEADER]
    assert starts[0] == 0 and header[starts[-1] :] == HEADER[-1], header
    rows = []
    for line in lines:
        # Aligned columns: each cell starts where its title does, after at least two spaces.
        assert all(line[start - 2 : start] == "  " for start in starts[1:]), line
        ends = [*starts[1:], len(line)]
        rows.append(tuple(line[a:b].strip() for a, b in zip(starts, ends, strict=True)))
    return rows


def test_the_routes_command_prints_each_route_of_the_app_once_sorted_by_path(
    printed, workbook, day
):
    app_module = workbook.load(day, "app")
    labelled = set()
    for module in (app_module.handlers, app_module.api_handlers):
        for fn in vars(module).values():
            if hasattr(fn, "__route__") and fn.__module__ == module.__name__:
                short = module.__name__.rpartition(".")[2]
                labelled.add((fn.__method__, fn.__route__, f"{short}.{fn.__name__}"))
    handled = {(method, path, handler) for method, path, _, handler in printed}
    static = {row for row in handled if row[1] == "/static/{filename}"}
    assert [method for method, *_ in static] == ["GET"], "the static files, once, as GET"
    assert handled - static == labelled
    assert len(printed) == len(handled), "no route twice; HEAD is left out"
    by_path = [(path, method) for method, path, *_ in printed]
    assert by_path == sorted(by_path), "sorted by path, then method"
    assert {who for _, _, who, _ in printed} == set(WHO)


def test_the_readme_lists_exactly_the_routes_the_app_serves_with_who_may_call_them(
    printed, workbook, day
):
    readme = (workbook.folder(day) / "README.md").read_text(encoding="utf-8")
    tables = readme.split("### The routes", 1)[1].split("\n## ", 1)[0]
    listed = README_ROW.findall(tables)
    assert len(listed) == len(set(listed)), "a route listed twice"
    assert {who for _, _, who in listed} <= set(WHO)
    assert set(listed) == {(method, path, who) for method, path, who, _ in printed}
