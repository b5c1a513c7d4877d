"""The site's pages and the HTML forms behind them: the blog a browser sees, JavaScript or not.

Each handler names what it needs and returns a dict for a template; accounts.py and posts.py
do the work. Notice the forms: a POST that fails returns ``(status, page)``, the same page
again with the message and what was typed (never a password); one that works redirects, so
that reloading the next page does not send the form twice.
"""

import secrets

from aiohttp import web

from . import accounts, posts
from .apis import APIError
from .auth import USER, admin_only, sign_in, signed_in
from .config import CONFIG
from .coroweb import get, post
from .feed import atom_feed
from .middlewares import render
from .models import Blog, Comment, User
from .paging import page_of
from .sessions import end_session

FEED_LENGTH = 20
# What the lists of articles show: the home page and article management read no more.
LISTED = ("id", "name", "summary", "user_name", "created_at")


async def signed_in_redirect(request: web.Request, user: User, location: str) -> web.Response:
    """A 302 to ``location`` that also signs ``user`` in (a fresh session cookie)."""
    response = web.Response(status=302, headers={"Location": location})
    await sign_in(response, request, user)
    return response


# --- reading ------------------------------------------------------------------------------


@get("/")
async def index(request, *, page: int = 1):
    paging, blogs = await page_of(request, Blog, page, columns=LISTED)
    return {"__template__": "blogs.html", "blogs": blogs, "page": paging}


@get("/blog/{id}")
async def blog_page(request, id, *, page: int = 1):
    return await article(request, id, page)


async def article(request: web.Request, id: str, page_index: int, **comment_form) -> dict:
    """The article page with a page of its comments; ``comment_form`` keeps a refused
    comment's ``error`` and text."""
    page_size = request.app[CONFIG].page_size
    blog, html, paging, comments = await posts.read_article(id, page_index, page_size)
    return {
        "__template__": "blog.html",
        "blog": blog,
        "content_html": html,
        "comments": comments,
        "page": paging,
        # A new key for each form: posting it twice (a double click, a retry) stores one comment.
        "comment_key": secrets.token_urlsafe(18),
        **comment_form,
    }


@get("/feed.xml")
async def feed(request):
    blogs = await Blog.findAll(orderBy="created_at desc", limit=FEED_LENGTH, columns=LISTED)
    # The configured address; else this request's (behind a trusted proxy, request.scheme is
    # the one the reader used: see proxy.py).
    site = request.app[CONFIG].site_url or f"{request.scheme}://{request.host}"
    xml = atom_feed(blogs, site, request.app[CONFIG].site_title)
    return web.Response(text=xml, content_type="application/atom+xml")


@get("/favicon.ico")
async def favicon():
    # Asked for by feed readers and tools whatever base.html names: one icon, kept in static/.
    return web.Response(status=301, headers={"Location": "/static/img/favicon.svg"})


@signed_in
@post("/blog/{id}/comments")
async def comment_form(request, id, *, content=None, idempotency_key=None):
    blog = await posts.find(Blog, id, "blog")
    config = request.app[CONFIG]
    try:
        per_minute, key = config.comments_per_minute, idempotency_key
        values = {"content": content}
        await posts.add_comment(request[USER], blog, values, per_minute=per_minute, key=key)
    except APIError as exc:
        page = await article(request, blog.id, 1, error=exc.message, comment_text=content)
        return exc.status, page
    # The new comment is the last: show the page it is on.
    last = await posts.last_comment_page(blog, config.page_size)
    return f"redirect:/blog/{blog.id}{f'?page={last}' if last > 1 else ''}#comments"


# --- accounts -----------------------------------------------------------------------------


@get("/register")
async def register_page():
    return {"__template__": "register.html"}


@post("/register")
async def register_form(request, *, name=None, email=None, password=None, password2=None):
    again = {"__template__": "register.html", "name": name, "email": email}
    if password != password2:
        return 400, {**again, "error": "password2: the two passwords differ"}
    try:
        user = await accounts.register({"name": name, "email": email, "password": password})
    except APIError as exc:
        return exc.status, {**again, "error": exc.message}
    return await signed_in_redirect(request, user, "/")


@get("/signin")
async def signin_page():
    return {"__template__": "signin.html"}


@post("/signin")
async def signin_form(request, *, email=None, password=None):
    delay = request.app[CONFIG].signin_failure_delay
    try:
        values = {"email": email, "password": password}
        user = await accounts.authenticate(values, delay, request.remote or "")
    except APIError as exc:
        page = {"email": email, "error": exc.message}
        response = render(request, "signin.html", page, status=exc.status)
        response.headers.update(getattr(exc, "headers", {}))  # a 429's Retry-After
        return response
    return await signed_in_redirect(request, user, "/")


@get("/signout")
async def signout_page(request):
    # A GET changes nothing: a link or an <img src="/signout"> on another site must not be able
    # to sign a reader out. The page asks, and its form posts.
    if request.get(USER) is None:  # nobody to sign out
        return "redirect:/"
    return {"__template__": "signout.html"}


@post("/signout")
async def signout(request):
    if request.get(USER) is not None:
        # Ended on the server: a copy of the cookie kept anywhere else stops working too.
        await accounts.end_sessions(request[USER].id)
    response = web.Response(status=302, headers={"Location": "/"})
    end_session(response)
    return response


@signed_in
@get("/account/password")
async def password_page():
    return {"__template__": "account_password.html"}


@signed_in
@post("/account/password")
async def password_form(request, *, current=None, password=None, password2=None):
    if password != password2:
        page = {"error": "password2: the two new passwords differ"}
        return 400, {"__template__": "account_password.html", **page}
    values = {"current": current, "password": password}
    try:
        user = await accounts.change_password(request[USER], values, request.remote or "")
    except APIError as exc:
        response = render(request, "account_password.html", {"error": exc.message}, exc.status)
        response.headers.update(getattr(exc, "headers", {}))  # a 429's Retry-After
        return response
    # Every session of the user ended with the old password; this browser starts a new one.
    response = render(request, "account_password.html", {"changed": True})
    await sign_in(response, request, user)
    return response


# --- management ---------------------------------------------------------------------------


@admin_only
@get("/manage/")
async def manage():
    return "redirect:/manage/blogs"


@admin_only
@get("/manage/blogs")
async def manage_blogs(request, *, page: int = 1):
    paging, blogs = await page_of(request, Blog, page, columns=LISTED)
    return {"__template__": "manage_blogs.html", "blogs": blogs, "page": paging}


@admin_only
@get("/manage/blogs/create")
async def manage_create_blog_page():
    return {"__template__": "manage_blog_edit.html", "action": "/manage/blogs/create"}


@admin_only
@post("/manage/blogs/create")
async def manage_create_blog(request, *, name=None, summary=None, content=None):
    draft = posts.draft(name, summary, content)
    try:
        blog = await posts.create_blog(request[USER], draft)
    except APIError as exc:
        page = {"action": "/manage/blogs/create", "blog": draft, "error": exc.message}
        return exc.status, {"__template__": "manage_blog_edit.html", **page}
    return f"redirect:/blog/{blog.id}"


@admin_only
@get("/manage/blogs/edit")
async def manage_edit_blog_page(*, id: str):
    blog = await posts.find(Blog, id, "blog")
    action = f"/manage/blogs/edit?id={blog.id}"
    return {"__template__": "manage_blog_edit.html", "action": action, "blog": blog}


@admin_only
@post("/manage/blogs/edit")
async def manage_edit_blog(*, id: str, name=None, summary=None, content=None):
    blog = await posts.find(Blog, id, "blog")
    draft = posts.draft(name, summary, content)
    try:
        await posts.update_blog(blog, draft)
    except APIError as exc:
        page = {"action": f"/manage/blogs/edit?id={blog.id}", "blog": {**draft, "id": blog.id}}
        return exc.status, {"__template__": "manage_blog_edit.html", **page, "error": exc.message}
    return f"redirect:/blog/{blog.id}"


@admin_only
@get("/manage/comments")
async def manage_comments(request, *, page: int = 1):
    paging, comments = await page_of(request, Comment, page)
    return {"__template__": "manage_comments.html", "comments": comments, "page": paging}


@admin_only
@get("/manage/users")
async def manage_users(request, *, page: int = 1):
    paging, users = await page_of(request, User, page)
    disabled = await accounts.disabled_among(users)
    page = {"users": users, "page": paging, "disabled": disabled}
    return {"__template__": "manage_users.html", **page}


@admin_only
@post("/manage/users/{id}/disable")
async def manage_disable_user(request, id):
    await accounts.set_disabled(request[USER], id, True)
    return "redirect:/manage/users"


@admin_only
@post("/manage/users/{id}/enable")
async def manage_enable_user(request, id):
    await accounts.set_disabled(request[USER], id, False)
    return "redirect:/manage/users"
