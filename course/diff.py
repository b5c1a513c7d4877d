"""``python -m course diff DAY [--output FILE]``: one HTML page showing what a day changed.

The page shows the day's README beside every file the day added, removed or changed since the
day before, as a unified diff with both line numbers, so a student who is stuck can read the
lesson as a change. It is one self-contained file: no script, no font, no picture from
anywhere, and every line of code and of the README escaped.
"""

from __future__ import annotations

import argparse
import difflib
import html
from pathlib import Path

from markdown_it import MarkdownIt

from course._days import DAYS, REPO, compare, day_number, previous

CONTEXT = 3  # unchanged lines shown around each change

STYLE = """
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: #1d2430; background: #f6f7f9; }
header { padding: 0.8rem 1.5rem; background: #1d2430; color: #fff; }
header h1 { margin: 0; font-size: 1.3rem; }
header p { margin: 0.2rem 0 0; color: #c9d1dc; }
main { display: grid; grid-template-columns: minmax(22rem, 38%) 1fr; gap: 1rem; padding: 1rem; }
.lesson { position: sticky; top: 1rem; align-self: start; max-height: calc(100vh - 2rem);
  overflow: auto; background: #fff; border: 1px solid #d5dae1; border-radius: 6px;
  padding: 0 1.2rem; }
.lesson pre, .lesson code { font-size: 0.85em; }
.lesson pre { background: #f1f3f6; padding: 0.6rem; overflow-x: auto; }
.changes { min-width: 0; }
.summary, .file { background: #fff; border: 1px solid #d5dae1; border-radius: 6px;
  margin-bottom: 1rem; }
.summary { padding: 0.6rem 1rem; }
.summary ul { margin: 0.3rem 0; padding-left: 1.2rem; }
.file h2 { margin: 0; padding: 0.5rem 0.8rem; font-size: 1rem; background: #eef1f5;
  border-bottom: 1px solid #d5dae1; font-family: ui-monospace, monospace; }
.tag { font: 0.75rem system-ui, sans-serif; padding: 0.1rem 0.45rem; border-radius: 3px;
  margin-left: 0.5rem; color: #fff; vertical-align: middle; }
.tag.added { background: #2d7d46; } .tag.removed { background: #b3261e; }
.tag.changed { background: #7a5b00; }
.note { padding: 0.5rem 0.8rem; margin: 0; color: #555; }
.scroll { overflow-x: auto; }
table.diff { border-collapse: collapse; width: 100%;
  font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
table.diff td { padding: 0 0.5rem; white-space: pre; vertical-align: top; }
table.diff td.n { width: 1%; text-align: right; color: #8a94a3; user-select: none;
  border-right: 1px solid #e3e7ec; }
table.diff td.m { width: 1%; user-select: none; padding: 0 0.3rem; }
tr.add { background: #e6f6ea; } tr.add td.m { color: #2d7d46; }
tr.del { background: #fdecea; } tr.del td.m { color: #b3261e; }
tr.hunk td { background: #eef3fb; color: #4a5d7a; padding: 0.15rem 0.5rem; }
@media (max-width: 1100px) {
  main { grid-template-columns: 1fr; }
  .lesson { position: static; max-height: none; }
}
"""


def render_readme(text: str) -> str:
    """The README as HTML: raw HTML in it is escaped, and pictures become their description
    (the page fetches nothing)."""
    markdown = MarkdownIt("commonmark", {"html": False}).enable("table")

    def image(renderer, tokens, index, options, env):
        token = tokens[index]
        alt = "".join(child.content for child in token.children or [])
        return f"<em>[picture: {html.escape(alt)}]</em>"

    markdown.add_render_rule("image", image)
    return markdown.render(text)


def _text(path: Path) -> list[str] | None:
    """A file's lines, or None when it is not text."""
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        return None


def _row(kind: str, old: int | str, new: int | str, line: str) -> str:
    mark = {"add": "+", "del": "-", "same": " "}[kind]
    return (
        f'<tr class="{kind}"><td class="n">{old}</td><td class="n">{new}</td>'
        f'<td class="m">{mark}</td><td>{html.escape(line)}</td></tr>'
    )


def _span(start: int, end: int) -> str:
    return f"{start + 1}-{end}" if end > start else "none"


def diff_rows(before: list[str], after: list[str]) -> list[str]:
    """Table rows of a unified diff: hunks of changes with CONTEXT lines around them."""
    rows = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for group in matcher.get_grouped_opcodes(CONTEXT):
        first, last = group[0], group[-1]
        before_lines, after_lines = _span(first[1], last[2]), _span(first[3], last[4])
        rows.append(
            f'<tr class="hunk"><td colspan="4">before: lines {before_lines}'
            f" &middot; after: lines {after_lines}</td></tr>"
        )
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [
                    _row("same", i + 1, j + 1, before[i])
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                ]
                continue
            rows += [_row("del", i + 1, "", before[i]) for i in range(i1, i2)]
            rows += [_row("add", "", j + 1, after[j]) for j in range(j1, j2)]
    return rows


def file_section(name: str, status: str, before: Path, after: Path) -> str:
    old = _text(before / name) if status != "added" else []
    new = _text(after / name) if status != "removed" else []
    anchor = "file-" + "".join(c if c.isalnum() else "-" for c in name)
    heading = (
        f'<h2 id="{anchor}">{html.escape(name)}<span class="tag {status}">{status}</span></h2>'
    )
    if old is None or new is None:
        path = after / name if status != "removed" else before / name
        note = f"not text ({path.stat().st_size} bytes): open the file itself"
        return f'<section class="file">{heading}<p class="note">{note}</p></section>'
    rows = diff_rows(old, new)
    table = f'<div class="scroll"><table class="diff">{"".join(rows)}</table></div>'
    return f'<section class="file">{heading}{table}</section>'


def page(day: str, root: Path = REPO) -> str:
    """The whole HTML page for ``day``."""
    before, after = root / previous(day), root / day
    status = compare(before, after)
    touched = {name: s for name, s in status.items() if s != "same"}
    same = [name for name, s in status.items() if s == "same"]
    readme = after / "README.md"
    lesson = render_readme(readme.read_text(encoding="utf-8")) if readme.exists() else ""
    items = "".join(
        f'<li><a href="#file-{"".join(c if c.isalnum() else "-" for c in name)}">'
        f"{html.escape(name)}</a> ({s})</li>"
        for name, s in touched.items()
    )
    carried = ", ".join(html.escape(name) for name in same) or "none"
    sections = "".join(file_section(name, s, before, after) for name, s in touched.items())
    title = f"Day {day_number(day)} ({day}): what changed since {previous(day)}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{html.escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<header><h1>{html.escape(title)}</h1>
<p>{len(touched)} files differ from {previous(day)}/; the lesson is on the left.</p></header>
<main>
<aside class="lesson">{lesson}</aside>
<div class="changes">
<nav class="summary"><strong>Files this day changed</strong><ul>{items}</ul>
<p>Carried forward unchanged: {carried}</p></nav>
{sections}
</div>
</main>
</body>
</html>
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course diff",
        description="write one HTML page showing what a day changed since the day before",
    )
    parser.add_argument("day", choices=DAYS[1:])
    parser.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="where to write it (default build/diff/DAY.html)",
    )
    options = parser.parse_args(argv)
    output = options.output or REPO / "build" / "diff" / f"{options.day}.html"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page(options.day), encoding="utf-8")
    print(output.resolve())
    return 0
