"""The site: pages and JSON from the database on both backends, and `python -m` serving it."""

import asyncio
import json
import subprocess
import time

import pytest

# Day 5's __main__.py is its own: the earlier days' checks of its port, schema, doctor and
# import run here.
from tests.day01.test_cli import (  # noqa: F401
    test_python_m_day_listens_on_port_9000_when_no_port_is_given,
)
from tests.day04_models.test_cli import (  # noqa: F401
    test_doctor_tries_the_database_it_is_given,
    test_importing_the_command_module_runs_no_command,
    test_schema_sql_is_what_the_generator_prints_today,
)
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


async def test_the_api_lists_20_blogs_unless_the_limit_says_up_to_100(site, save_blog):
    now = time.time()
    for n in range(21):
        await save_blog(f"Article {n}", now - 3600 + n)
    answer = await (await site.get("/api/blogs")).json()
    assert [blog["name"] for blog in answer["blogs"]] == [f"Article {n}" for n in range(20, 0, -1)]
    answer = await (await site.get("/api/blogs?limit=100")).json()
    assert len(answer["blogs"]) == 21


@pytest.mark.parametrize("limit", ["0", "101", "abc", "1;DROP TABLE blogs"])
async def test_the_api_refuses_a_limit_that_is_not_a_number_from_1_to_100(site, limit):
    response = await site.get("/api/blogs", params={"limit": limit})
    assert response.status == 400
    assert (await response.json())["data"] == "limit"


# --- python -m ---------------------------------------------------------------------------


def seed(workbook, day, db: str) -> None:
    """Run ``python -m <day> seed --db db``, which must succeed."""
    seeded = subprocess.run(
        workbook.command(day, "seed", "--db", db), capture_output=True, text=True, timeout=60
    )
    assert seeded.returncode == 0, seeded.stderr


def rows(workbook, day, db: str, *models: str) -> list[list]:
    """Every row of each named model of the day, read back from ``db``."""
    orm, module = workbook.load(day, "orm"), workbook.load(day, "models")

    async def read_back():
        await orm.create_pool(db)
        try:
            return [await getattr(module, name).findAll() for name in models]
        finally:
            await orm.close_pool()

    return asyncio.run(read_back())


def test_python_m_seeds_a_new_database_then_serves_its_articles(workbook, day, tmp_path):
    db = f"sqlite:///{tmp_path / 'blog.db'}"
    seed(workbook, day, db)
    port = free_port()
    command = workbook.command(day, "--db", db, "--host", "127.0.0.1", "--port", str(port))
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as server:
        try:
            body = fetch_while_running(server, f"http://127.0.0.1:{port}/api/blogs")
        finally:
            server.terminate()
            _, errors = server.communicate(timeout=10)
    assert len(json.loads(body)["blogs"]) == 3
    # run_app turns SIGTERM into a clean shutdown, so the server exits with status 0.
    assert server.returncode == 0, errors.decode(errors="replace")


def test_the_seed_adds_three_articles_each_with_comments(workbook, day, tmp_path):
    db = f"sqlite:///{tmp_path / 'blog.db'}"
    seed(workbook, day, db)
    blogs, comments = rows(workbook, day, db, "Blog", "Comment")
    assert len(blogs) == 3
    assert {comment.blog_id for comment in comments} == {blog.id for blog in blogs}


def test_seeding_twice_keeps_one_demo_author_and_adds_three_more_articles(workbook, day, tmp_path):
    db = f"sqlite:///{tmp_path / 'blog.db'}"
    seed(workbook, day, db)
    seed(workbook, day, db)
    (author,), blogs = rows(workbook, day, db, "User", "Blog")
    assert len(blogs) == 6 and {blog.user_id for blog in blogs} == {author.id}


def test_the_default_database_is_instance_blog_db_inside_the_day_folder(workbook, day):
    app = workbook.load(day, "app")
    instance = workbook.folder(day).resolve() / "instance"
    assert app.database_url() == f"sqlite:///{instance / 'blog.db'}"
    assert instance.is_dir()  # made, so that SQLite can create the file in it
    assert app.database_url("sqlite:///elsewhere.db") == "sqlite:///elsewhere.db"


@pytest.mark.parametrize("command", [["seed"], []], ids=["seed", "serve"])
def test_a_database_that_does_not_answer_is_one_line_of_error_not_a_traceback(
    workbook, day, command
):
    url = "mysql://root:@127.0.0.1:1/nothing-listens-here"
    argv = workbook.command(day, "--db", url, "--port", str(free_port()), *command)
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("database error: ") and "Traceback" not in result.stderr
