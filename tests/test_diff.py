"""The diff pages (``python -m course diff``): each day's change, file by file, by its lesson."""

import re

import pytest
from playwright.async_api import async_playwright, expect

from course import diff
from course._days import compare, previous
from tests.workbook import DAYS, REPO

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


@pytest.mark.parametrize("day", DAYS[1:])
def test_a_days_page_has_a_section_for_every_file_the_day_added_removed_or_changed(day):
    page = diff.page(day)
    for name, status in compare(REPO / previous(day), REPO / day).items():
        heading = f'{name}<span class="tag {status}">{status}</span></h2>'
        assert (heading in page) == (status != "same"), name


def test_the_page_fetches_nothing_and_runs_no_script():
    page = diff.page("day05_web")
    assert "<script" not in page
    # Links the reader may follow are fine; nothing is loaded from anywhere.
    assert not re.search(r"""\ssrc=|<link\s""", page)
    assert "default-src 'none'" in page


def test_code_and_the_readme_are_escaped():
    rows = "".join(diff.diff_rows(["<b>old</b>"], ["<script>alert(1)</script>"]))
    assert "<script>" not in rows and "&lt;script&gt;alert(1)&lt;/script&gt;" in rows
    lesson = diff.render_readme("Hi <img src=x onerror=alert(1)>\n\n![a cat](http://x/cat.png)")
    assert "<img" not in lesson
    assert "[picture: a cat]" in lesson


def test_a_changed_line_shows_its_number_before_and_after():
    rows = diff.diff_rows(["a", "b", "c"], ["a", "B", "c", "d"])
    assert '<td class="n">2</td><td class="n"></td><td class="m">-</td><td>b</td>' in rows[2]
    assert '<td class="n"></td><td class="n">2</td><td class="m">+</td><td>B</td>' in rows[3]


def test_the_command_writes_the_page_where_asked_and_prints_its_path(tmp_path, capsys):
    output = tmp_path / "day3.html"
    assert diff.main(["day03_orm", "--output", str(output)]) == 0
    assert capsys.readouterr().out.strip() == str(output.resolve())
    assert "what changed since day02" in output.read_text(encoding="utf-8")


@pytest.mark.browser
async def test_day_3s_page_shows_orm_py_as_added_lines_beside_the_lesson(
    chromium_executable, tmp_path
):
    output = tmp_path / "day03_orm.html"
    diff.main(["day03_orm", "--output", str(output)])
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_FLAGS
        )
        try:
            page = await browser.new_page(viewport={"width": 1366, "height": 800})
            asked = []
            page.on("request", lambda request: asked.append(request.url))
            await page.goto(output.as_uri())
            orm = page.locator("section.file").filter(
                has=page.locator("h2", has_text=re.compile(r"^orm\.py"))
            )
            await orm.locator("h2").scroll_into_view_if_needed()
            await expect(orm.locator("h2")).to_be_visible()
            await expect(orm.locator("h2")).to_contain_text("added")
            await expect(orm.locator("tr.add").nth(5)).to_be_visible()
            await expect(page.locator("aside.lesson h1")).to_contain_text("Day 3")
            await page.screenshot(path=tmp_path / "day03_orm.png")
        finally:
            await browser.close()
    assert asked == [output.as_uri()], "the page asked for something besides itself"
    assert (tmp_path / "day03_orm.png").stat().st_size > 10_000
