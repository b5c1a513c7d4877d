"""Many at once: concurrent comments are all stored, and two blog processes on one MariaDB
share everything, sessions included, because the process itself keeps nothing."""

import asyncio
import subprocess

import aiohttp
import pytest

from tests.day06_final.conftest import PASSWORD
from tests.network import fetch_while_running, free_port

pytestmark = pytest.mark.production


async def test_a_hundred_comments_sent_at_once_are_all_stored(client, auth, save_blog, models):
    blog = await save_blog(await auth.make_user(admin=True))
    await auth.as_user()
    sent = [f"comment {n} 💬" for n in range(100)]
    responses = await asyncio.gather(
        *(client.post(f"/api/blogs/{blog.id}/comments", json={"content": text}) for text in sent)
    )
    assert [response.status for response in responses] == [200] * 100
    stored = await models.Comment.findAll("blog_id = ?", [blog.id])
    assert sorted(comment.content for comment in stored) == sorted(sent)
    page = await (await client.get(f"/blog/{blog.id}")).text()
    assert "Comments (100)" in page


@pytest.fixture
def second_blog(workbook, day, db_url):
    """Another blog process, ``python -m day06_final serve`` on the same database: its URL.

    It has the same secret as the test's app: BLOG_SECRET, set for every test of day 6.
    """
    port = free_port()
    command = workbook.command(day, "serve", "--db", db_url, "--port", str(port))
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as server:
        try:
            fetch_while_running(server, f"http://127.0.0.1:{port}/api/blogs")
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=10)


def session_of(response) -> dict:
    """The Cookie header that carries the session a response just set."""
    return {"Cookie": f"awesession={response.cookies['awesession'].value}"}


@pytest.mark.mysql
@pytest.mark.parametrize("db_url", ["mysql"], indirect=True)
async def test_two_blog_processes_on_one_database_share_sessions_and_content(
    client, auth, save_blog, second_blog
):
    # The test's client is blog A; second_blog is blog B, in a process of its own.
    blog = await save_blog(await auth.make_user(admin=True), name="Shared article")
    await auth.make_user("Ann", email="ann@example.com")
    async with aiohttp.ClientSession(second_blog, headers={"Accept": "text/html"}) as b:
        async with b.get("/") as response:
            assert "Shared article" in await response.text()
        # Signed in on A: the cookie works on B.
        ann = session_of(await auth.sign_in("ann@example.com"))
        async with b.get("/", headers=ann) as response:
            assert "Ann" in (await response.text()).split("</header>")[0]
        # Registered and commenting on B: A knows the reader and shows the comment.
        newcomer = {"name": "Mei", "email": "mei@example.com", "password": PASSWORD}
        async with b.post("/api/users", json=newcomer) as response:
            assert response.status == 200
            mei = session_of(response)
        comment = {"content": "written on B"}
        async with b.post(f"/api/blogs/{blog.id}/comments", json=comment, headers=mei) as answer:
            assert answer.status == 200
    auth.sign_out()  # Ann's cookie, from signing in on A, goes: only Mei's is sent
    page = await (await client.get(f"/blog/{blog.id}", headers=mei)).text()
    assert "Mei" in page.split("</header>")[0] and "written on B" in page
