"""The site: pages and JSON from the database on both backends, and `python -m` serving it."""

import asyncio
import json
import subprocess
import time

import pytest

from tests.day05_web.fixtures import *
from tests.network import fetch_while_running, free_port


@pytest.fixture
async def site(db_url, serve):
    """A client of the day's site on a brand-new database (SQLite, then MariaDB)."""
    return await serve(db_url=db_url)


@pytest.fixture
def save_blog(workbook, day):
    """``await save_blog(name, created_at)``: a blog saved through the day's models."""
    models = workbook.load(day, "models")

    async def save_blog(name, created_at):
        blog = models.Blog(
            user_id=models.next_id(),
            user_name="Ann",
            user_image="",
            name=name,
            summary=f"All about {name}",
            content="Some text.",
            created_at=created_at,
        )
        await blog.save()
        return blog

    return save_blog


async def test_the_index_lists_the_blogs_from_the_database_newest_first(site, save_blog):
    now = time.time()
    await save_blog("An older article", now - 3600)
    await save_blog("A newer article", now - 60)
    response = await site.get("/")
    html = await response.text()
    assert response.status == 200 and response.content_type == "text/html"
    assert html.index("A newer article") < html.index("An older article")
    assert "No articles yet" not in html


async def test_an_empty_database_gets_an_index_that_says_so_and_how_to_fill_it(site, day):
    html = await (await site.get("/")).text()
    assert "No articles yet" in html
    assert f"python -m {day} seed" in html


async def test_the_index_escapes_what_authors_write(site, save_blog):
    await save_blog("<img src=x onerror=alert(1)>", time.time())
    html = await (await site.get("/")).text()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img src=x" not in html


async def test_a_blog_has_a_page_and_an_unknown_id_is_a_404(site, save_blog):
    blog = await save_blog("Café notes ☕", time.time())
    response = await site.get(f"/blog/{blog.id}")
    assert response.status == 200
    assert "Café notes ☕" in await response.text()
    assert (await site.get("/blog/no-such-id")).status == 404


async def test_the_api_lists_blogs_as_json_newest_first(site, save_blog):
    now = time.time()
    for n in range(3):
        await save_blog(f"Article {n}", now - 3600 + n)
    answer = await (await site.get("/api/blogs")).json()
    assert [blog["name"] for blog in answer["blogs"]] == ["Article 2", "Article 1", "Article 0"]
    answer = await (await site.get("/api/blogs?limit=1")).json()
    assert [blog["name"] for blog in answer["blogs"]] == ["Article 2"]


@pytest.mark.parametrize("limit", ["0", "101", "abc", "1;DROP TABLE blogs"])
async def test_the_api_refuses_a_limit_that_is_not_a_number_from_1_to_100(site, limit):
    response = await site.get("/api/blogs", params={"limit": limit})
    assert response.status == 400
    assert (await response.json())["data"] == "limit"


# --- python -m ---------------------------------------------------------------------------


def test_python_m_seeds_a_new_database_then_serves_its_articles(workbook, day, tmp_path):
    db = f"sqlite:///{tmp_path / 'blog.db'}"
    seeded = subprocess.run(
        workbook.command(day, "seed", "--db", db), capture_output=True, text=True, timeout=60
    )
    assert seeded.returncode == 0, seeded.stderr
    port = free_port()
    command = workbook.command(day, "--db", db, "--host", "127.0.0.1", "--port", str(port))
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as server:
        try:
            body = fetch_while_running(server, f"http://127.0.0.1:{port}/api/blogs")
        finally:
            server.terminate()
            server.wait(timeout=10)
    assert len(json.loads(body)["blogs"]) == 3


def test_the_seed_adds_three_articles_each_with_comments(workbook, day, tmp_path):
    db = f"sqlite:///{tmp_path / 'blog.db'}"
    seeded = subprocess.run(
        workbook.command(day, "seed", "--db", db), capture_output=True, text=True, timeout=60
    )
    assert seeded.returncode == 0, seeded.stderr
    orm, models = workbook.load(day, "orm"), workbook.load(day, "models")

    async def read_back():
        await orm.create_pool(db)
        try:
            return await models.Blog.findAll(), await models.Comment.findAll()
        finally:
            await orm.close_pool()

    blogs, comments = asyncio.run(read_back())
    assert len(blogs) == 3
    assert {comment.blog_id for comment in comments} == {blog.id for blog in blogs}
