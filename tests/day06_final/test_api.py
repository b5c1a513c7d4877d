"""The JSON API on SQLite and MariaDB: accounts, articles, comments, paging and the preview.

Requests are JSON, as a script or the pages' JavaScript sends them; answers are JSON, errors
``{"error", "data", "message"}`` with a 4xx status.
"""

import time

import pytest

from tests.day06_final.conftest import PASSWORD

NEW_BLOG = {"name": "Hello 世界 🎉", "summary": "A first post.", "content": "# Hi\n\n**bold**"}


# --- accounts ----------------------------------------------------------------------------


async def test_registering_signs_in_and_answers_the_user_without_hash_or_email(client, models):
    response = await client.post(
        "/api/users", json={"name": "Ann", "email": "Ann@Example.com", "password": PASSWORD}
    )
    assert response.status == 200
    answer = await response.json()
    [user] = await models.User.findAll()
    assert answer["id"] == user.id and answer["name"] == "Ann" and answer["admin"] is False
    assert "passwd" not in answer and "email" not in answer
    assert user.email == "ann@example.com"
    assert response.cookies["awesession"]["httponly"]
    # The cookie just set signs the client in.
    assert "Ann" in (await (await client.get("/")).text()).split("</header>")[0]


async def test_registering_an_email_twice_is_a_400_naming_the_email(client, auth, rows):
    await auth.make_user(email="ann@example.com")
    response = await client.post(
        "/api/users", json={"name": "Ann", "email": "ann@EXAMPLE.com", "password": PASSWORD}
    )
    assert response.status == 400
    answer = await response.json()
    assert (answer["error"], answer["data"]) == ("value:invalid", "email")
    assert (await rows())["users"] == 1


async def test_signing_in_answers_the_user_and_sets_the_session_cookie(client, auth):
    user = await auth.make_user("Ann", email="ann@example.com")
    response = await auth.sign_in("ANN@example.com")
    assert response.status == 200
    answer = await response.json()
    assert answer["id"] == user.id and "passwd" not in answer and "email" not in answer
    assert "awesession" in response.cookies


async def test_a_wrong_password_is_a_401(client, auth):
    await auth.make_user(email="ann@example.com")
    response = await auth.sign_in("ann@example.com", "not the password")
    assert response.status == 401
    answer = await response.json()
    assert answer["error"] == "auth:failed" and answer["message"] == "Wrong email or password."
    assert "awesession" not in response.cookies


@pytest.mark.parametrize("settings", [{"signin_failure_delay": 0.3}], ids=["delay=0.3"])
async def test_a_failed_sign_in_waits_the_configured_delay_before_answering(client, auth):
    started = time.perf_counter()
    response = await auth.sign_in("nobody@example.com", "not the password")
    assert response.status == 401
    assert time.perf_counter() - started >= 0.3


async def test_a_hash_made_with_an_older_cost_is_redone_at_sign_in(client, auth, workbook, day):
    passwords = workbook.load(day, "passwords")
    user = await auth.make_user(email="ann@example.com")
    user.passwd = await passwords.hash_password(PASSWORD, n=2**10)
    await user.update()
    assert (await auth.sign_in("ann@example.com")).status == 200
    renewed = await auth.models.User.find(user.id)
    assert renewed.passwd != user.passwd and not passwords.needs_rehash(renewed.passwd)
    assert await passwords.verify_password(PASSWORD, renewed.passwd)


async def test_admins_list_users_with_emails_but_no_password_hashes(client, auth):
    await auth.make_user("Rui", email="rui@example.com")
    await auth.as_admin()
    answer = await (await client.get("/api/users")).json()
    assert answer["page"]["item_count"] == 2
    assert {user["email"] for user in answer["users"]} >= {"rui@example.com"}
    assert all("passwd" not in user for user in answer["users"])


# --- articles ----------------------------------------------------------------------------


async def test_the_api_lists_articles_newest_first_with_the_page(client, auth, save_blogs):
    await save_blogs(await auth.make_user(admin=True), 3)
    answer = await (await client.get("/api/blogs")).json()
    assert [blog["name"] for blog in answer["blogs"]] == ["Article 2", "Article 1", "Article 0"]
    assert answer["page"] == {
        "item_count": 3,
        "page_index": 1,
        "page_size": 10,
        "page_count": 1,
        "offset": 0,
        "limit": 10,
        "has_previous": False,
        "has_next": False,
    }


@pytest.mark.parametrize("settings", [{"page_size": 2}], ids=["page_size=2"])
async def test_the_api_pages_with_page_n(client, auth, save_blogs):
    await save_blogs(await auth.make_user(admin=True), 3)
    answer = await (await client.get("/api/blogs?page=2")).json()
    assert [blog["name"] for blog in answer["blogs"]] == ["Article 0"]
    assert (answer["page"]["page_count"], answer["page"]["has_previous"]) == (2, True)
    response = await client.get("/api/blogs?page=3")
    assert response.status == 404
    assert "2 pages" in (await response.json())["message"]


async def test_one_article_by_id_and_a_404_for_an_unknown_one(client, auth, save_blog):
    blog = await save_blog(await auth.make_user(admin=True), name="By id")
    answer = await (await client.get(f"/api/blogs/{blog.id}")).json()
    assert (answer["id"], answer["name"]) == (blog.id, "By id")
    response = await client.get("/api/blogs/" + "0" * 50)
    assert response.status == 404
    assert (await response.json())["error"] == "value:notfound"


async def test_an_admin_creates_an_article(client, auth, models):
    admin = await auth.as_admin()
    response = await client.post("/api/blogs", json=NEW_BLOG)
    assert response.status == 200
    answer = await response.json()
    saved = await models.Blog.find(answer["id"])
    assert {key: saved[key] for key in NEW_BLOG} == NEW_BLOG
    assert (saved.user_id, saved.user_name, saved.user_image) == (admin.id, admin.name, admin.image)


async def test_an_admin_updates_an_article(client, auth, save_blog, models):
    admin = await auth.as_admin()
    blog = await save_blog(admin, name="Before")
    response = await client.post(f"/api/blogs/{blog.id}", json=NEW_BLOG)
    assert response.status == 200
    saved = await models.Blog.find(blog.id)
    assert {key: saved[key] for key in NEW_BLOG} == NEW_BLOG
    assert saved.created_at == blog.created_at
    assert (await client.post("/api/blogs/" + "0" * 50, json=NEW_BLOG)).status == 404


async def test_deleting_an_article_deletes_its_comments_too(
    client, auth, save_blog, save_comment, rows
):
    admin = await auth.as_admin()
    doomed, kept = await save_blog(admin, name="Doomed"), await save_blog(admin, name="Kept")
    for blog in (doomed, doomed, kept):
        await save_comment(blog, admin)
    response = await client.post(f"/api/blogs/{doomed.id}/delete")
    assert response.status == 200 and (await response.json()) == {"id": doomed.id}
    assert await rows() == {"users": 1, "blogs": 1, "comments": 1}
    assert (await client.post(f"/api/blogs/{doomed.id}/delete")).status == 404


async def test_an_article_and_its_comments_are_deleted_together_or_not_at_all(
    client, auth, save_blog, save_comment, rows, models, monkeypatch
):
    admin = await auth.as_admin()
    blog = await save_blog(admin)
    await save_comment(blog, admin)

    async def fails(self):
        raise RuntimeError("the database failed halfway")

    # The comments' DELETE has run when the blog's remove() fails: it must be rolled back.
    monkeypatch.setattr(models.Blog, "remove", fails)
    response = await client.post(f"/api/blogs/{blog.id}/delete")
    assert response.status == 500
    assert await rows() == {"users": 1, "blogs": 1, "comments": 1}


# --- comments ----------------------------------------------------------------------------


async def test_a_signed_in_reader_comments_through_the_api(client, auth, save_blog, models):
    blog = await save_blog(await auth.make_user(admin=True))
    reader = await auth.as_user("Mei")
    response = await client.post(f"/api/blogs/{blog.id}/comments", json={"content": "  好 👍  "})
    assert response.status == 200
    answer = await response.json()
    assert (answer["blog_id"], answer["user_id"], answer["content"]) == (
        blog.id,
        reader.id,
        "好 👍",
    )
    assert "email" not in answer
    assert [c.id for c in await models.Comment.findAll()] == [answer["id"]]


async def test_commenting_on_an_unknown_article_is_a_404(client, auth, rows):
    await auth.as_user()
    response = await client.post("/api/blogs/" + "0" * 50 + "/comments", json={"content": "Hi"})
    assert response.status == 404
    assert (await rows())["comments"] == 0


async def test_admins_list_and_delete_comments(client, auth, save_blog, save_comment, rows):
    admin = await auth.as_admin()
    blog = await save_blog(admin)
    older = await save_comment(blog, admin, "Older", created_at=time.time() - 60)
    newer = await save_comment(blog, admin, "Newer")
    answer = await (await client.get("/api/comments")).json()
    assert [c["id"] for c in answer["comments"]] == [newer.id, older.id]
    assert answer["page"]["item_count"] == 2
    response = await client.post(f"/api/comments/{older.id}/delete")
    assert response.status == 200 and (await response.json()) == {"id": older.id}
    assert (await rows())["comments"] == 1
    assert (await client.post(f"/api/comments/{older.id}/delete")).status == 404


# --- the preview -------------------------------------------------------------------------


async def test_the_preview_renders_markdown_safely(client, auth):
    await auth.as_admin()
    text = "**bold** <script>alert(1)</script> [x](javascript:alert(1))"
    response = await client.post("/api/markdown/preview", json={"text": text})
    assert response.status == 200
    html = (await response.json())["html"]
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html and 'href="javascript' not in html


async def test_an_empty_preview_is_empty(client, auth):
    await auth.as_admin()
    response = await client.post("/api/markdown/preview", json={"text": ""})
    assert (response.status, await response.json()) == (200, {"html": ""})
