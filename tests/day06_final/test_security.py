"""The blog as an attacker sees it: forged requests, forged cookies, scripts in content, SQL in
URLs, guessed emails, oversized bodies. Each attack is a request a stranger could send.

SQL in URLs runs on both databases (their drivers differ); the rest is decided before any
query, in the middlewares and the templates, and runs on SQLite.
"""

import re
import time
from urllib.parse import quote

import pytest

from tests.day06_final.conftest import PASSWORD

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
EVIL = "https://evil.example"
XSS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "![x](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="javascript:alert(1)">a</a>',
]


def scripts_in(elements, html: str) -> list:
    """Every way the page could run a script: <script>, on* handlers, javascript:/data: URLs."""
    found = []
    for tag, attributes in elements(html):
        if tag == "script" and attributes.get("src") != "/static/js/blog.js":
            found.append((tag, attributes))
        for name, value in attributes.items():
            url = re.sub(r"\s", "", value or "").lower()
            if name.startswith("on") or url.startswith(("javascript:", "data:")):
                found.append((tag, attributes))
    return found


# --- cross-site requests ------------------------------------------------------------------


CROSS_SITE = [
    pytest.param({"Origin": EVIL}, id="Origin of another site"),
    pytest.param({"Sec-Fetch-Site": "cross-site"}, id="Sec-Fetch-Site cross-site"),
    pytest.param({"Origin": "null"}, id="Origin null"),
]


@sqlite_only
@pytest.mark.parametrize("headers", CROSS_SITE)
async def test_a_cross_site_comment_form_post_changes_nothing(
    client, auth, save_blog, rows, headers
):
    blog = await save_blog(await auth.make_user(admin=True))
    await auth.as_user()
    before = await rows()
    response = await client.post(
        f"/blog/{blog.id}/comments", data={"content": "forged"}, headers=headers
    )
    assert response.status == 403
    assert "came from another site" in await response.text()
    assert await rows() == before


@sqlite_only
@pytest.mark.parametrize("headers", CROSS_SITE)
async def test_a_cross_site_api_call_by_an_admin_s_browser_changes_nothing(
    client, auth, save_blog, rows, models, headers
):
    blog = await save_blog(await auth.as_admin())
    before = await rows()
    for path in ("/api/blogs", f"/api/blogs/{blog.id}", f"/api/blogs/{blog.id}/delete"):
        body = {"name": "forged", "summary": "forged", "content": "forged"}
        response = await client.post(path, json=body, headers=headers)
        assert response.status == 403
        assert (await response.json())["error"] == "http:403"
    assert await rows() == before
    assert (await models.Blog.find(blog.id)).name == blog.name


@sqlite_only
@pytest.mark.parametrize("headers", CROSS_SITE)
async def test_another_site_cannot_sign_a_reader_out(client, auth, headers):
    user = await auth.as_user()
    # Neither a link or an image (a GET) nor a form posted from elsewhere ends the session.
    assert (await client.get("/signout", headers=headers)).status == 200
    assert (await client.post("/signout", headers=headers)).status == 403
    header = (await (await client.get("/")).text()).split("</header>")[0]
    assert user.name in header and "Sign in" not in header


@sqlite_only
async def test_the_site_s_own_pages_may_post(client, auth, save_blog, rows):
    blog = await save_blog(await auth.make_user(admin=True))
    await auth.as_user()
    own = str(client.make_url("/")).rstrip("/")
    for headers in ({"Origin": own}, {"Sec-Fetch-Site": "same-origin"}):
        response = await client.post(
            f"/blog/{blog.id}/comments", data={"content": "mine"}, headers=headers
        )
        assert response.status == 200  # followed the redirect back to the article
    assert (await rows())["comments"] == 2


# --- session cookies ----------------------------------------------------------------------


def forged_cookies(auth, reader, admin) -> dict[str, str]:
    """Session cookies that must sign no one in, by name: made up, or forged from real ones."""
    signed, config = auth.sessions.sign_session, auth.config
    secret, age = config.secret, config.session_max_age
    reader_cookie, admin_cookie = auth.cookie_for(reader), auth.cookie_for(admin)
    payload, signature = reader_cookie.rsplit(".", 1)
    _, expires, fingerprint = payload.split(".")
    return {
        "garbage": "not-a-session",
        # The reader's cookie, claiming to be the admin's: the signature no longer matches.
        "tampered user id": f"{admin.id}.{expires}.{fingerprint}.{signature}",
        "tampered expiry": f"{reader.id}.{int(expires) + 10**6}.{fingerprint}.{signature}",
        "bad signature": f"{payload}.{'0' * 64}",
        "expired": signed(admin.id, admin.passwd, secret, 3600, now=time.time() - 7200),
        "another secret": signed(admin.id, admin.passwd, "another-secret-" + "x" * 40, age),
        "unsigned": admin_cookie.rsplit(".", 1)[0],
        # Signed with the right secret, but naming no user: the lookup finds no one.
        "junk id": signed("1' OR '1'='1", admin.passwd, secret, age),
        "non-ASCII": "ädmin." + admin_cookie,
        "SQL": "' OR 1=1; --",
        "4 KB long": admin_cookie + "A" * 4000,
        "10 KB long": admin_cookie + "A" * 10_000,
    }


@sqlite_only
@pytest.mark.parametrize(
    "kind",
    [
        "garbage",
        "tampered user id",
        "tampered expiry",
        "bad signature",
        "expired",
        "another secret",
    ],
)
async def test_a_forged_or_expired_cookie_is_ignored(client, auth, save_blog, rows, kind):
    admin = await auth.make_user("Ann Admin", admin=True)
    reader = await auth.make_user("Rui Reader")
    blog = await save_blog(admin)
    cookie = forged_cookies(auth, reader, admin)[kind]
    client.session.cookie_jar.update_cookies({auth.sessions.COOKIE_NAME: cookie})
    header = (await (await client.get("/")).text()).split("</header>")[0]
    assert "Sign in" in header and "Ann Admin" not in header and "Rui Reader" not in header
    response = await client.get("/manage/blogs", allow_redirects=False)
    assert (response.status, response.headers["Location"]) == (302, "/signin")
    before = await rows()
    response = await client.post(f"/api/blogs/{blog.id}/comments", json={"content": "x"})
    assert response.status == 401
    assert await rows() == before


@sqlite_only
async def test_a_cookie_for_a_deleted_user_is_ignored(client, auth):
    user = await auth.as_user()
    await user.remove()
    assert (await client.get("/api/comments")).status == 401


@sqlite_only
async def test_changing_the_password_ends_the_sessions_signed_before(client, auth, workbook, day):
    admin = await auth.as_admin()
    assert (await client.get("/api/users")).status == 200
    passwords = workbook.load(day, "passwords")
    admin.passwd = await passwords.hash_password("a brand new password")
    await admin.update()
    assert (await client.get("/api/users")).status == 401


@sqlite_only
async def test_the_session_cookie_is_httponly_samesite_lax_and_not_secure_over_http(client, auth):
    await auth.make_user(email="ann@example.com")
    response = await auth.sign_in("ann@example.com")
    morsel = response.cookies["awesession"]
    assert morsel["httponly"] and morsel["samesite"] == "Lax" and morsel["path"] == "/"
    assert int(morsel["max-age"]) == 7 * 24 * 3600
    assert not morsel["secure"]


@sqlite_only
@pytest.mark.parametrize(
    "settings, secure",
    [({"trust_proxy": True}, True), ({"trust_proxy": False}, False)],
    ids=["behind a trusted proxy", "proxy headers not trusted"],
)
async def test_the_cookie_is_secure_when_a_trusted_proxy_says_the_reader_used_https(
    client, auth, secure
):
    await auth.make_user(email="ann@example.com")
    response = await client.post(
        "/api/authenticate",
        json={"email": "ann@example.com", "password": PASSWORD},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert response.status == 200
    assert bool(response.cookies["awesession"]["secure"]) is secure


# --- scripts in content -------------------------------------------------------------------


@sqlite_only
@pytest.mark.parametrize("attack", XSS)
async def test_scripts_in_an_article_or_a_comment_never_run_in_any_page(
    client, auth, save_blog, save_comment, elements, attack
):
    admin = await auth.as_admin()
    blog = await save_blog(admin, name=attack[:100], summary=attack, content=attack)
    await save_comment(blog, admin, attack)
    for path in ["/", f"/blog/{blog.id}", "/manage/blogs", "/manage/comments"]:
        html = await (await client.get(path)).text()
        assert scripts_in(elements, html) == [], path
    feed = await (await client.get("/feed.xml")).text()
    assert "<script" not in feed and "<img" not in feed


@sqlite_only
async def test_a_script_in_a_reader_s_name_is_shown_as_text(
    client, auth, save_blog, save_comment, elements
):
    blog = await save_blog(await auth.make_user(admin=True))
    reader = await auth.as_user("<script>alert(1)</script>")
    await save_comment(blog, reader)
    for path in ["/", f"/blog/{blog.id}"]:
        html = await (await client.get(path)).text()
        assert scripts_in(elements, html) == [] and "&lt;script&gt;" in html


# --- SQL in the URL -----------------------------------------------------------------------


SQL = [
    # An id that is no id is an unknown one (404); a page number that is none is a 400.
    ("GET", "/blog/" + quote("1' OR '1'='1"), 404),
    ("GET", "/api/blogs/" + quote("1' OR '1'='1"), 404),
    ("GET", "/api/blogs/" + quote("x'; DROP TABLE blogs; --"), 404),
    ("GET", "/?page=" + quote("1;DROP TABLE blogs"), 400),
    ("GET", "/api/blogs?page=" + quote("1 OR 1=1"), 400),
    ("GET", "/api/comments?page=" + quote("1) UNION SELECT passwd FROM users --"), 400),
    ("POST", "/api/blogs/" + quote("1' OR '1'='1") + "/delete", 404),
    ("POST", "/api/blogs/" + quote("1' OR 1=1 --") + "/comments", 404),
    ("POST", "/api/comments/" + quote("' OR ''='") + "/delete", 404),
    ("GET", "/manage/blogs/edit?id=" + quote("1' OR '1'='1"), 404),
]


@pytest.mark.parametrize("method, path, status", SQL, ids=[path for _, path, _ in SQL])
async def test_sql_in_ids_and_page_numbers_is_a_404_or_400_that_changes_nothing(
    client, auth, save_blog, save_comment, rows, method, path, status
):
    admin = await auth.as_admin()
    await save_comment(await save_blog(admin), admin)
    before = await rows()
    response = await client.request(method, path, json={"content": "x"})
    assert response.status == status
    assert await rows() == before


# --- what the blog tells strangers --------------------------------------------------------


@sqlite_only
async def test_an_unknown_email_and_a_wrong_password_get_the_very_same_answer(client, auth):
    await auth.make_user(email="ann@example.com")
    answers = []
    for email in ("ann@example.com", "nobody@example.com"):
        api = await auth.sign_in(email, "not the password")
        form = await client.post("/signin", data={"email": email, "password": "wrong"})
        page = (await form.text()).replace(email, "EMAIL")  # the form keeps what was typed
        answers.append((api.status, await api.read(), form.status, page))
    assert answers[0] == answers[1]
    assert (answers[0][0], answers[0][2]) == (401, 401)  # both refused, not both broken alike


async def test_no_answer_shows_a_password_hash_and_none_shows_an_email_to_a_non_admin(
    client, auth, save_blog, save_comment, password_hash
):
    admin = await auth.make_user("Ann Admin", admin=True, email="ann@example.com")
    reader = await auth.make_user("Rui", email="rui@example.com")
    blog = await save_blog(admin)
    await save_comment(blog, reader)
    for n, who in enumerate([None, reader]):
        auth.sign_out()
        if who:
            auth.sign_in_as(who)
        newcomer = {"name": "Mei", "email": f"mei{n}@example.com", "password": PASSWORD}
        hidden = [password_hash, "ann@example.com", "rui@example.com", newcomer["email"]]
        requests = [("GET", path, None) for path in ("/", f"/blog/{blog.id}", "/feed.xml")]
        requests += [("GET", path, None) for path in ("/api/blogs", f"/api/blogs/{blog.id}")]
        requests += [
            ("GET", "/api/users", None),
            ("GET", "/manage/users", None),
            ("POST", f"/api/blogs/{blog.id}/comments", {"content": "hi"}),
            ("POST", "/api/users", newcomer),  # signs in as the newcomer
            ("POST", "/api/authenticate", {"email": "rui@example.com", "password": PASSWORD}),
        ]
        for method, path, body in requests:
            answer = await (await client.request(method, path, json=body)).text()
            assert [secret for secret in hidden if secret in answer] == [], (who, path)
    auth.sign_in_as(admin)
    for path in ["/api/users", "/manage/users", "/api/comments", "/manage/comments"]:
        assert password_hash not in await (await client.get(path)).text()
    assert "rui@example.com" in await (await client.get("/api/users")).text()


# --- oversized bodies ---------------------------------------------------------------------


@sqlite_only
@pytest.mark.parametrize("settings", [{"max_body_size": 4096}], ids=["max_body_size=4096"])
async def test_a_body_over_the_limit_is_a_413_and_nothing_is_stored(client, rows):
    before = await rows()
    big = {"name": "Ann", "email": "ann@example.com", "password": "x" * 5000}
    api = await client.post("/api/users", json=big)
    assert api.status == 413
    assert (await api.json())["error"] == "http:413"
    form = await client.post("/register", data={**big, "password2": big["password"]})
    assert form.status == 413 and form.content_type == "text/html"
    assert "error-page" in await form.text()
    assert await rows() == before
