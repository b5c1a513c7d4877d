"""The pages a browser sees, on SQLite and MariaDB: reading, commenting, accounts, management.

Every form here is posted as a browser posts it with JavaScript off (urlencoded), and every
page is asked for as a browser asks (``Accept: text/html``, the ``client`` fixture's default).
"""

import time
from xml.etree import ElementTree

import pytest

from tests.day06_final.conftest import PASSWORD

ATOM = "{http://www.w3.org/2005/Atom}"


async def text(response) -> str:
    return await response.text()


# --- reading -----------------------------------------------------------------------------


async def test_the_home_page_lists_articles_newest_first_with_their_summaries(
    client, auth, save_blog
):
    author = await auth.make_user(admin=True)
    now = time.time()
    await save_blog(author, name="Older", summary="The older one.", created_at=now - 60)
    await save_blog(author, name="Newer", summary="The newer one.", created_at=now)
    response = await client.get("/")
    html = await text(response)
    assert response.status == 200 and response.content_type == "text/html"
    assert html.index("Newer") < html.index("Older")
    assert "The newer one." in html and "The older one." in html


@pytest.mark.parametrize("settings", [{"page_size": 2}], ids=["page_size=2"])
async def test_the_home_page_is_paged(client, auth, save_blogs):
    await save_blogs(await auth.make_user(admin=True), 5)
    first, last = await text(await client.get("/")), await text(await client.get("/?page=3"))
    assert "Article 4" in first and "Article 3" in first and "Article 2" not in first
    assert 'href="?page=2"' in first and "Page 1 of 3" in first
    assert "Article 0" in last and "Article 1" not in last and 'href="?page=2"' in last


@pytest.mark.parametrize("page, status", [("0", 400), ("-1", 400), ("abc", 400), ("2", 404)])
async def test_a_page_number_out_of_range_is_an_error_page(client, page, status):
    response = await client.get("/", params={"page": page})
    assert response.status == status
    assert response.content_type == "text/html"
    assert "error-page" in await text(response)


async def test_an_article_shows_its_markdown_rendered_and_its_comments_oldest_first(
    client, auth, save_blog, save_comment
):
    author = await auth.make_user(admin=True)
    reader = await auth.make_user("Rui 读者")
    blog = await save_blog(author, name="你好 🎉", content="# Title\n\nSome **bold** text.")
    now = time.time()
    await save_comment(blog, reader, "Second thought", created_at=now)
    await save_comment(blog, reader, "First thought", created_at=now - 60)
    response = await client.get(f"/blog/{blog.id}")
    html = await text(response)
    assert response.status == 200
    assert "你好 🎉" in html and "<strong>bold</strong>" in html and "<h1>Title</h1>" in html
    assert html.index("First thought") < html.index("Second thought")
    assert "Rui 读者" in html and "Comments (2)" in html


@pytest.mark.parametrize("path", ["/blog/" + "0" * 50, "/blog/no-such-article", "/no/such/page"])
async def test_an_unknown_article_or_page_is_a_404_page(client, path):
    response = await client.get(path)
    assert response.status == 404
    assert response.content_type == "text/html"
    html = await text(response)
    assert "Not Found" in html and 'href="/"' in html


async def test_a_signed_in_reader_gets_a_comment_form_and_a_visitor_a_sign_in_link(
    client, auth, save_blog
):
    blog = await save_blog(await auth.make_user(admin=True))
    visitor = await text(await client.get(f"/blog/{blog.id}"))
    assert f'action="/blog/{blog.id}/comments"' not in visitor and 'href="/signin"' in visitor
    await auth.as_user()
    reader = await text(await client.get(f"/blog/{blog.id}"))
    assert f'action="/blog/{blog.id}/comments"' in reader


async def test_the_feed_has_the_latest_20_articles_newest_first(client, auth, save_blogs):
    await save_blogs(await auth.make_user(admin=True), 22)
    response = await client.get("/feed.xml")
    assert response.status == 200 and response.content_type == "application/atom+xml"
    feed = ElementTree.fromstring(await response.read())
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
    assert titles == [f"Article {n}" for n in range(21, 1, -1)]


def feed_links(xml: bytes) -> set[str]:
    return {link.get("href") for link in ElementTree.fromstring(xml).iter(f"{ATOM}link")}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_without_a_site_url_the_feed_links_to_the_address_the_reader_used(
    client, auth, save_blog
):
    blog = await save_blog(await auth.make_user(admin=True))
    response = await client.get("/feed.xml", headers={"Host": "blog.test:8080"})
    assert f"http://blog.test:8080/blog/{blog.id}" in feed_links(await response.read())


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("settings", [{"site_url": "https://blog.example.com/"}])
async def test_with_a_site_url_no_host_header_can_change_the_feed_s_links(client, auth, save_blog):
    blog = await save_blog(await auth.make_user(admin=True))
    response = await client.get("/feed.xml", headers={"Host": "evil.example"})
    links = feed_links(await response.read())
    assert f"https://blog.example.com/blog/{blog.id}" in links
    assert not any("evil.example" in link for link in links)


async def test_the_stylesheet_script_and_avatar_are_served_from_the_site(client):
    for path, kind in [
        ("/static/css/blog.css", "text/css"),
        ("/static/js/blog.js", "javascript"),
        ("/static/img/avatar.svg", "image/svg+xml"),
    ]:
        response = await client.get(path)
        assert response.status == 200 and kind in response.content_type, path


async def test_favicon_ico_is_a_permanent_redirect_to_the_site_s_icon(client):
    # Feed readers, tools and some browsers ask for /favicon.ico whatever a page names.
    response = await client.get("/favicon.ico", allow_redirects=False)
    assert (response.status, response.headers["Location"]) == (301, "/static/img/favicon.svg")
    icon = await client.get("/favicon.ico")
    assert icon.status == 200 and icon.content_type == "image/svg+xml"


async def test_a_page_answers_head_with_its_headers_and_no_body(client):
    # What `curl -I`, link checkers and uptime monitors send.
    response = await client.head("/")
    assert response.status == 200 and response.content_type == "text/html"
    assert await response.read() == b""


# --- commenting --------------------------------------------------------------------------


async def test_a_comment_posted_with_the_form_is_stored_and_shown(client, auth, save_blog, models):
    blog = await save_blog(await auth.make_user(admin=True))
    reader = await auth.as_user("Mei 梅")
    response = await client.post(
        f"/blog/{blog.id}/comments", data={"content": "写得好 👍"}, allow_redirects=False
    )
    assert response.status == 302
    assert response.headers["Location"] == f"/blog/{blog.id}#comments"
    [comment] = await models.Comment.findAll()
    assert (comment.content, comment.user_id, comment.user_name) == (
        "写得好 👍",
        reader.id,
        "Mei 梅",
    )
    assert "写得好 👍" in await text(await client.get(f"/blog/{blog.id}"))


async def test_an_empty_comment_shows_the_page_again_with_the_error(client, auth, save_blog, rows):
    blog = await save_blog(await auth.make_user(admin=True))
    await auth.as_user()
    before = await rows()
    response = await client.post(f"/blog/{blog.id}/comments", data={"content": "   "})
    assert response.status == 400
    html = await text(response)
    assert "content: must not be empty" in html and 'role="alert"' in html
    assert await rows() == before


# --- accounts ----------------------------------------------------------------------------


async def test_registering_with_the_form_signs_the_new_reader_in(client, models):
    form = {"name": "Ann", "email": "Ann@Example.com", "password": PASSWORD, "password2": PASSWORD}
    response = await client.post("/register", data=form, allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/"
    [user] = await models.User.findAll()
    assert (user.name, user.email, user.admin) == ("Ann", "ann@example.com", False)
    assert PASSWORD not in user.passwd and user.passwd.startswith("scrypt$")
    header = (await text(await client.get("/"))).split("</header>")[0]
    assert "Ann" in header and "Sign out" in header


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"password2": "something else"}, "password2: the two passwords differ"),
        ({"name": ""}, "name: must not be empty"),
        ({"email": "not-an-address"}, "email: must be an email address"),
        ({"password": "short", "password2": "short"}, "password: must be at least 8 characters"),
    ],
)
async def test_a_refused_registration_shows_the_form_again_with_what_was_typed(
    client, rows, changes, message
):
    form = {"name": "Ann <b>", "email": "ann@example.com", "password": PASSWORD}
    form = {**form, "password2": PASSWORD, **changes}
    response = await client.post("/register", data=form)
    html = await text(response)
    assert response.status == 400
    assert message in html
    assert f'value="{form["email"]}"' in html
    assert form["password"] not in html and form["password2"] not in html
    assert (await rows())["users"] == 0


async def test_registering_an_email_twice_is_refused_naming_the_email(client, auth):
    await auth.make_user(email="ann@example.com")
    form = {"name": "Ann", "email": "ANN@example.com", "password": PASSWORD, "password2": PASSWORD}
    response = await client.post("/register", data=form)
    assert response.status == 400
    assert "email: already registered" in await text(response)


async def test_signing_in_with_the_form_sets_the_session_and_signing_out_ends_it(client, auth):
    user = await auth.make_user("Ann", email="ann@example.com")
    form = {"email": "ANN@example.com", "password": PASSWORD}
    response = await client.post("/signin", data=form, allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/"
    assert user.name in (await text(await client.get("/"))).split("</header>")[0]
    # A GET only asks: a link or an image elsewhere cannot sign anyone out.
    question = await client.get("/signout")
    assert question.status == 200 and 'action="/signout"' in await text(question)
    assert user.name in (await text(await client.get("/"))).split("</header>")[0]
    response = await client.post("/signout", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/"
    header = (await text(await client.get("/"))).split("</header>")[0]
    assert "Sign in" in header and "Ann" not in header


async def test_a_failed_sign_in_shows_the_form_again_with_the_email_and_no_password(client, auth):
    await auth.make_user(email="ann@example.com")
    form = {"email": "ann@example.com", "password": "not the password"}
    response = await client.post("/signin", data=form, allow_redirects=False)
    html = await text(response)
    assert response.status == 401
    assert "Wrong email or password." in html
    assert 'value="ann@example.com"' in html and "not the password" not in html
    assert "awesession" not in response.headers.get("Set-Cookie", "")


# --- management --------------------------------------------------------------------------


async def test_manage_leads_to_the_article_table(client, auth):
    await auth.as_admin()
    response = await client.get("/manage/", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/manage/blogs"


async def test_article_management_lists_articles_with_edit_links_and_delete_buttons(
    client, auth, save_blog
):
    admin = await auth.as_admin()
    blog = await save_blog(admin, name="Managed 📋")
    html = await text(await client.get("/manage/blogs"))
    assert "Managed 📋" in html
    assert f'href="/manage/blogs/edit?id={blog.id}"' in html
    assert f'data-delete-url="/api/blogs/{blog.id}/delete"' in html


async def test_comment_management_lists_comments_with_delete_buttons(
    client, auth, save_blog, save_comment
):
    admin = await auth.as_admin()
    comment = await save_comment(await save_blog(admin), admin, "A comment to manage")
    html = await text(await client.get("/manage/comments"))
    assert "A comment to manage" in html
    assert f'data-delete-url="/api/comments/{comment.id}/delete"' in html


async def test_user_management_lists_names_emails_and_roles(client, auth):
    await auth.make_user("Rui 读者", email="rui@example.com")
    await auth.as_admin("Ann Admin")
    html = await text(await client.get("/manage/users"))
    for shown in ("Rui 读者", "rui@example.com", "Ann Admin", "Reader", "Admin"):
        assert shown in html


async def test_an_article_written_with_the_form_is_published_by_the_admin(client, auth, models):
    admin = await auth.as_admin()
    page = await text(await client.get("/manage/blogs/create"))
    assert 'action="/manage/blogs/create"' in page and "data-preview-url" in page
    form = {"name": "Hello 世界", "summary": "A summary.", "content": "Line one\r\n\r\n**two**"}
    response = await client.post("/manage/blogs/create", data=form, allow_redirects=False)
    [blog] = await models.Blog.findAll()
    assert response.status == 302 and response.headers["Location"] == f"/blog/{blog.id}"
    assert (blog.name, blog.user_id, blog.user_name) == ("Hello 世界", admin.id, admin.name)
    assert blog.content == "Line one\n\n**two**"  # line breaks as the browser sent them, made \n
    assert "Hello 世界" in await text(await client.get("/"))


async def test_a_refused_article_shows_the_write_page_again_with_what_was_typed(client, auth, rows):
    await auth.as_admin()
    form = {"name": "", "summary": "Kept summary", "content": "Kept <content>"}
    response = await client.post("/manage/blogs/create", data=form)
    html = await text(response)
    assert response.status == 400
    assert "name: must not be empty" in html
    assert "Kept summary" in html and "Kept &lt;content&gt;" in html
    assert (await rows())["blogs"] == 0


async def test_an_article_is_edited_with_the_form_and_keeps_its_author(
    client, auth, save_blog, models
):
    author = await auth.make_user("First Admin", admin=True)
    blog = await save_blog(author, name="Before", summary="Old", content="Old text")
    await auth.as_admin("Second Admin")
    page = await text(await client.get(f"/manage/blogs/edit?id={blog.id}"))
    assert f'action="/manage/blogs/edit?id={blog.id}"' in page and 'value="Before"' in page
    form = {"name": "After", "summary": "New", "content": "New text"}
    response = await client.post(
        f"/manage/blogs/edit?id={blog.id}", data=form, allow_redirects=False
    )
    assert response.status == 302
    saved = await models.Blog.find(blog.id)
    assert (saved.name, saved.summary, saved.content) == ("After", "New", "New text")
    assert (saved.user_id, saved.created_at) == (author.id, blog.created_at)


async def test_an_edited_article_shows_its_new_text_at_once(client, auth, save_blog):
    blog = await save_blog(await auth.as_admin(), content="The *first* draft")
    assert "<em>first</em>" in await text(await client.get(f"/blog/{blog.id}"))
    form = {"name": blog.name, "summary": blog.summary, "content": "The *second* draft"}
    await client.post(f"/manage/blogs/edit?id={blog.id}", data=form)
    page = await text(await client.get(f"/blog/{blog.id}"))
    assert "<em>second</em>" in page and "<em>first</em>" not in page


async def test_a_refused_edit_changes_nothing_and_shows_the_error(client, auth, save_blog, models):
    admin = await auth.as_admin()
    blog = await save_blog(admin, name="Before")
    form = {"name": "x" * 101, "summary": "New", "content": "New text"}
    response = await client.post(f"/manage/blogs/edit?id={blog.id}", data=form)
    assert response.status == 400
    assert "name: must be at most 100 characters" in await text(response)
    assert await models.Blog.find(blog.id) == blog


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_editing_an_unknown_article_is_a_404(client, auth, method):
    await auth.as_admin()
    data = {"name": "a", "summary": "b", "content": "c"}
    response = await client.request(method, "/manage/blogs/edit?id=" + "0" * 50, data=data)
    assert response.status == 404
