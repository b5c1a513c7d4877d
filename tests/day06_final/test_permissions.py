"""Who may use what: every page and API route, for a visitor, a signed-in reader and an admin.

The rules live on the server, so each row is a real request. A refused request changes
nothing (the rows are counted before and after). The rules do not depend on the database, so
the table runs on SQLite; the routes themselves run on both backends in test_pages/test_api.
"""

import re

import pytest

from tests.day06_final.conftest import PASSWORD

BLOG = {"name": "Title", "summary": "Summary", "content": "Content"}
COMMENT = {"content": "A comment"}
NEW_USER = {"name": "New", "email": "new@example.com", "password": PASSWORD}
NEW_USER_FORM = {**NEW_USER, "password2": PASSWORD}
WRONG_SIGN_IN = {"email": "nobody@example.com", "password": "not the password"}
WRONG_CURRENT = {"current": "not the password", "password": PASSWORD, "password2": PASSWORD}
SIGN_IN = "/signin"  # a visitor sent to sign in: a redirect to this page

# (method, path, body, {who: expected}): an int status, or SIGN_IN for a 302 to /signin.
# {blog} and {comment} stand for the ids of an article and a comment that exist, {user} for
# the admin's (who may not disable their own account).
ALL_200 = {"visitor": 200, "reader": 200, "admin": 200}
ADMIN_PAGE = {"visitor": SIGN_IN, "reader": 403, "admin": 200}
ADMIN_FORM = {"visitor": SIGN_IN, "reader": 403, "admin": 302}
ADMIN_API = {"visitor": 401, "reader": 403, "admin": 200}
ROUTES = [
    ("GET", "/", None, ALL_200),
    ("GET", "/blog/{blog}", None, ALL_200),
    ("GET", "/feed.xml", None, ALL_200),
    ("GET", "/favicon.ico", None, {"visitor": 301, "reader": 301, "admin": 301}),
    ("GET", "/register", None, ALL_200),
    ("GET", "/signin", None, ALL_200),
    ("GET", "/signout", None, {"visitor": 302, "reader": 200, "admin": 200}),
    ("POST", "/signout", None, {"visitor": 302, "reader": 302, "admin": 302}),
    ("POST", "/register", NEW_USER_FORM, {"visitor": 302, "reader": 302, "admin": 302}),
    ("POST", "/signin", WRONG_SIGN_IN, {"visitor": 401, "reader": 401, "admin": 401}),
    ("POST", "/blog/{blog}/comments", COMMENT, {"visitor": SIGN_IN, "reader": 302, "admin": 302}),
    ("GET", "/manage/", None, {"visitor": SIGN_IN, "reader": 403, "admin": 302}),
    ("GET", "/manage/blogs", None, ADMIN_PAGE),
    ("GET", "/manage/blogs/create", None, ADMIN_PAGE),
    ("POST", "/manage/blogs/create", BLOG, ADMIN_FORM),
    ("GET", "/manage/blogs/edit?id={blog}", None, ADMIN_PAGE),
    ("POST", "/manage/blogs/edit?id={blog}", BLOG, ADMIN_FORM),
    ("GET", "/manage/comments", None, ADMIN_PAGE),
    ("GET", "/manage/users", None, ADMIN_PAGE),
    ("POST", "/manage/users/{user}/disable", None, {**ADMIN_FORM, "admin": 400}),
    ("POST", "/manage/users/{user}/enable", None, {**ADMIN_FORM, "admin": 400}),
    ("GET", "/account/password", None, {"visitor": SIGN_IN, "reader": 200, "admin": 200}),
    ("POST", "/account/password", WRONG_CURRENT, {"visitor": SIGN_IN, "reader": 400, "admin": 400}),
    ("POST", "/api/users", NEW_USER, ALL_200),
    ("POST", "/api/authenticate", WRONG_SIGN_IN, {"visitor": 401, "reader": 401, "admin": 401}),
    ("GET", "/api/users", None, ADMIN_API),
    ("POST", "/api/users/{user}/disable", None, {**ADMIN_API, "admin": 400}),
    ("POST", "/api/users/{user}/enable", None, {**ADMIN_API, "admin": 400}),
    ("POST", "/api/account/password", WRONG_CURRENT, {"visitor": 401, "reader": 400, "admin": 400}),
    ("GET", "/api/blogs", None, ALL_200),
    ("GET", "/api/blogs/{blog}", None, ALL_200),
    ("POST", "/api/blogs", BLOG, ADMIN_API),
    ("POST", "/api/blogs/{blog}", BLOG, ADMIN_API),
    ("POST", "/api/blogs/{blog}/delete", None, ADMIN_API),
    ("POST", "/api/blogs/{blog}/comments", COMMENT, {"visitor": 401, "reader": 200, "admin": 200}),
    ("GET", "/api/comments", None, ADMIN_API),
    ("POST", "/api/comments/{comment}/delete", None, ADMIN_API),
    ("POST", "/api/markdown/preview", {"text": "*hi*"}, ADMIN_API),
]
MATRIX = [
    pytest.param(method, path, body, who, expected[who], id=f"{who} {method} {path}")
    for method, path, body, expected in ROUTES
    for who in ("visitor", "reader", "admin")
]


def test_the_matrix_covers_every_route_of_the_app(workbook, day):
    app_module = workbook.load(day, "app")
    routes = set()
    for module in (app_module.handlers, app_module.api_handlers):
        for fn in vars(module).values():
            if hasattr(fn, "__route__") and fn.__module__ == module.__name__:
                routes.add((fn.__method__, fn.__route__))
    covered = {(method, path.split("?")[0]) for method, path, _, _ in ROUTES}
    covered = {(m, re.sub(r"\{(blog|comment|user)\}", "{id}", p)) for m, p in covered}
    assert routes == covered


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("method, path, body, who, expected", MATRIX)
async def test_each_route_answers_each_kind_of_person_as_the_rules_say(
    client, auth, save_blog, save_comment, rows, method, path, body, who, expected
):
    admin = await auth.make_user("Admin", admin=True)
    blog = await save_blog(admin)
    comment = await save_comment(blog, admin)
    if who == "reader":
        await auth.as_user()
    elif who == "admin":
        auth.sign_in_as(admin)
    before = await rows()
    url = path.format(blog=blog.id, comment=comment.id, user=admin.id)
    sent = {"json": body} if path.startswith("/api/") else {"data": body}
    response = await client.request(method, url, allow_redirects=False, **sent)
    if expected == SIGN_IN:
        assert (response.status, response.headers.get("Location")) == (302, "/signin")
    else:
        assert response.status == expected, await response.text()
    if expected == 403:  # a sentence, on a page as in JSON
        assert "Only an administrator may do this" in await response.text()
    if expected in (SIGN_IN, 401, 403):
        assert await rows() == before  # refused, or sent to sign in: nothing was written
