"""No single article can stall the blog: markdown is rendered once, off the event loop, in time.

A megabyte of ``![`` keeps the markdown parser busy for half a minute. Rendered on the event
loop, as each reader opened the article, it held every other reader for as long. Now it is
rendered as it is saved (or previewed), in a thread, and given up at a deadline with a 400.
"""

import asyncio

import pytest

PATHOLOGICAL = "![" * 500_000  # one megabyte, under the blog's limit on an article's length
ARTICLE = {"name": "Slow", "summary": "Takes the parser half a minute.", "content": PATHOLOGICAL}
pytestmark = pytest.mark.production


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [("/api/blogs", ARTICLE, "content"), ("/api/markdown/preview", {"text": PATHOLOGICAL}, "text")],
    ids=["save", "preview"],
)
async def test_while_a_pathological_article_is_rendered_other_readers_are_served(
    client, auth, rows, path, body, field
):
    await auth.as_admin()
    rendering = asyncio.ensure_future(client.post(path, json=body))
    await asyncio.sleep(0.5)  # the server has read the body and is rendering it
    home = await asyncio.wait_for(client.get("/"), timeout=30)
    assert home.status == 200
    # The home page was answered while the article was still being rendered...
    assert not rendering.done()
    # ...which was then given up, with a 400 that says why and names the field.
    refused = await asyncio.wait_for(rendering, timeout=60)
    assert refused.status == 400
    error = await refused.json()
    assert error["data"] == field
    assert "render" in error["message"]
    assert (await rows())["blogs"] == 0


async def test_an_article_is_rendered_once_as_it_is_saved_not_for_each_reader(
    client, auth, models, workbook, day, monkeypatch
):
    await auth.as_admin()
    created = await client.post(
        "/api/blogs", json={"name": "Once", "summary": "Rendered once.", "content": "**bold**"}
    )
    assert created.status == 200
    blog = await models.Blog.find((await created.json())["id"])
    assert (await models.BlogHtml.find(blog.id)).html == "<p><strong>bold</strong></p>\n"

    def no_rendering(*args, **kwargs):
        raise AssertionError("a reader's page rendered the markdown again")

    monkeypatch.setattr(workbook.load(day, "markup"), "render_markdown", no_rendering)
    page = await client.get(f"/blog/{blog.id}")
    assert page.status == 200
    assert "<strong>bold</strong>" in await page.text()


async def test_an_article_saved_without_its_html_is_rendered_for_its_first_reader(
    client, auth, save_blog, models
):
    author = await auth.make_user(admin=True)
    blog = await save_blog(author, content="*seeded*")  # as the seed command saves one
    page = await client.get(f"/blog/{blog.id}")
    assert page.status == 200
    assert "<em>seeded</em>" in await page.text()
    assert (await models.BlogHtml.find(blog.id)).html == "<p><em>seeded</em></p>\n"
