"""Comments that no one account can flood: a rate per account, and an article's comments paged.

One account once posted 2,000 comments in two seconds and an article's page grew to 4 MB.
Now each account may post ``comments_per_minute`` (a 429 past it, counted in the database so
that a burst or a second worker cannot slip past), and the article shows a page at a time.
"""

import asyncio
import re
import time

import pytest

from tests.day06_final.conftest import BROWSER_ACCEPT

pytestmark = pytest.mark.production
few_a_minute = pytest.mark.parametrize("settings", [{"comments_per_minute": 3}], ids=["3/min"])
small_pages = pytest.mark.parametrize("settings", [{"page_size": 5}], ids=["page_size=5"])


def comment_texts(html: str) -> list[str]:
    return re.findall(r'<p class="comment-text">([^<]*)</p>', html)


@pytest.fixture
async def comments(auth, save_blog) -> str:
    """An administrator's article, a new reader signed in: the API path to comment on it."""
    blog = await save_blog(await auth.make_user(admin=True))
    await auth.as_user()
    return f"/api/blogs/{blog.id}/comments"


@few_a_minute
async def test_an_account_past_its_comments_a_minute_is_refused_with_429(
    client, auth, comments, rows
):
    for n in range(3):
        assert (await client.post(comments, json={"content": f"comment {n}"})).status == 200
    refused = await client.post(comments, json={"content": "one too many"})
    assert refused.status == 429
    error = await refused.json()
    assert (error["error"], error["data"]) == ("comment:throttled", "content")
    assert "3 comments a minute" in error["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert (await rows())["comments"] == 3
    # The limit is the account's: another reader still comments.
    await auth.as_user()
    assert (await client.post(comments, json={"content": "someone else"})).status == 200


@few_a_minute
async def test_a_burst_of_comments_sent_at_once_stores_no_more_than_the_limit(
    client, auth, save_blog, models
):
    blog = await save_blog(await auth.make_user(admin=True))
    await auth.as_user()
    url = f"/api/blogs/{blog.id}/comments"
    answers = await asyncio.gather(
        *(client.post(url, json={"content": f"burst {n}"}) for n in range(20))
    )
    statuses = [answer.status for answer in answers]
    assert set(statuses) <= {200, 429} and statuses.count(429) >= 17
    # Each comment counted itself after it was stored, so none slipped past the count.
    stored = await models.Comment.findNumber("count(*)", "blog_id = ?", [blog.id])
    assert stored == statuses.count(200) <= 3


@few_a_minute
async def test_a_comment_form_past_the_limit_says_why_and_keeps_the_text(
    client, auth, save_blog, save_comment
):
    blog = await save_blog(await auth.make_user(admin=True))
    reader = await auth.as_user()
    for n in range(3):
        await save_comment(blog, reader, f"earlier {n}", created_at=time.time() - n)
    response = await client.post(
        f"/blog/{blog.id}/comments", data={"content": "Still typing 📝"}, allow_redirects=False
    )
    assert response.status == 429
    html = await response.text()
    assert "3 comments a minute" in html
    assert "Still typing 📝</textarea>" in html


@small_pages
async def test_an_article_shows_its_comments_a_page_at_a_time_oldest_first(
    client, auth, save_blog, save_comment
):
    blog = await save_blog(await auth.make_user(admin=True))
    reader = await auth.make_user()
    now = time.time()
    for n in range(12):
        await save_comment(blog, reader, f"comment {n:02}", created_at=now - 100 + n)
    first = await (await client.get(f"/blog/{blog.id}")).text()
    assert comment_texts(first) == [f"comment {n:02}" for n in range(5)]
    assert "Comments (12)" in first and 'href="?page=2"' in first
    last = await client.get(f"/blog/{blog.id}", params={"page": "3"})
    assert last.status == 200
    assert comment_texts(await last.text()) == ["comment 10", "comment 11"]
    beyond = await client.get(f"/blog/{blog.id}", params={"page": "4"})
    assert beyond.status == 404
    assert "there are 3 pages" in await beyond.text()


@small_pages
async def test_after_commenting_the_reader_lands_on_the_page_that_shows_the_comment(
    client, auth, save_blog, save_comment
):
    blog = await save_blog(await auth.make_user(admin=True))
    reader = await auth.as_user()
    for n in range(5):
        await save_comment(blog, reader, f"earlier {n}", created_at=time.time() - 100 + n)
    response = await client.post(
        f"/blog/{blog.id}/comments", data={"content": "The sixth"}, allow_redirects=False
    )
    assert response.status == 302
    assert response.headers["Location"] == f"/blog/{blog.id}?page=2#comments"
    page = await client.get(response.headers["Location"], headers={"Accept": BROWSER_ACCEPT})
    assert comment_texts(await page.text()) == ["The sixth"]


# --- a retry stores nothing twice ---------------------------------------------------------


async def test_a_comment_sent_again_with_its_key_is_stored_once_and_answered_as_the_first(
    client, comments, rows
):
    key = {"Idempotency-Key": "retry-0123456789"}
    # The first answer was lost (a timeout, a 503 after the row was written): the script retries.
    first = await client.post(comments, json={"content": "Only once"}, headers=key)
    again = await client.post(comments, json={"content": "Only once"}, headers=key)
    assert (first.status, again.status) == (200, 200)
    assert await again.json() == await first.json()
    assert (await rows())["comments"] == 1


async def test_copies_of_one_comment_sent_at_once_store_one_comment(client, comments, models):
    body = {"content": "Once", "idempotency_key": "k" * 20}
    answers = await asyncio.gather(*(client.post(comments, json=body) for _ in range(8)))
    assert [answer.status for answer in answers] == [200] * 8
    assert len({(await answer.json())["id"] for answer in answers}) == 1
    assert await models.Comment.findNumber("count(*)") == 1


async def test_a_key_names_one_comment_of_one_reader_only(client, auth, save_blog, rows):
    blog = await save_blog(await auth.make_user(admin=True))
    url, key = f"/api/blogs/{blog.id}/comments", {"Idempotency-Key": "the-same-key-123"}
    await auth.as_user()
    mine = await client.post(url, json={"content": "Mine"}, headers=key)
    other = await client.post(
        url, json={"content": "Another"}, headers={"Idempotency-Key": "x" * 16}
    )
    await auth.as_user()
    theirs = await client.post(url, json={"content": "Theirs"}, headers=key)
    assert [(await answer.json())["content"] for answer in (mine, other, theirs)] == [
        "Mine",
        "Another",
        "Theirs",
    ]
    assert (await rows())["comments"] == 3


@pytest.mark.parametrize("key", ["short", "x" * 65, "spaces are not allowed", "ключ-ключ-ключ"])
async def test_a_malformed_key_is_a_400_naming_it(client, comments, rows, key):
    response = await client.post(comments, json={"content": "Hi", "idempotency_key": key})
    assert response.status == 400
    assert (await response.json())["data"] == "idempotency_key"
    assert (await rows())["comments"] == 0


async def test_the_comment_form_carries_a_new_key_and_posting_it_twice_stores_one_comment(
    client, auth, save_blog, elements, rows
):
    blog = await save_blog(await auth.make_user(admin=True))
    await auth.as_user()

    def form_key(html: str) -> str:
        found = [a["value"] for tag, a in elements(html) if a.get("name") == "idempotency_key"]
        assert len(found) == 1 and found[0]
        return found[0]

    key = form_key(await (await client.get(f"/blog/{blog.id}")).text())
    assert form_key(await (await client.get(f"/blog/{blog.id}")).text()) != key
    form = {"content": "Double-clicked", "idempotency_key": key}
    for _ in range(2):
        response = await client.post(f"/blog/{blog.id}/comments", data=form, allow_redirects=False)
        assert response.status == 302
    assert (await rows())["comments"] == 1


async def test_deleting_a_comment_or_its_article_deletes_its_key(client, auth, save_blog, models):
    blog = await save_blog(await auth.make_user(admin=True))
    await auth.as_user()
    url = f"/api/blogs/{blog.id}/comments"
    for key in ("first-key-0001", "second-key-0002"):
        response = await client.post(url, json={"content": key}, headers={"Idempotency-Key": key})
        assert response.status == 200
    second = (await response.json())["id"]
    await auth.as_admin()
    assert (await client.post(f"/api/comments/{second}/delete")).status == 200
    assert await models.CommentKey.findNumber("count(*)") == 1
    assert (await client.post(f"/api/blogs/{blog.id}/delete")).status == 200
    assert await models.CommentKey.findNumber("count(*)") == 0
