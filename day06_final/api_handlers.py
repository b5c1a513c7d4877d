"""The JSON API: the same blog as the pages, for scripts and for the pages' own JavaScript.

Every answer is JSON and every error is ``{"error", "data", "message"}`` with a real status.
Notice what never leaves the server: a password hash, and (except to administrators) anyone's
email. Lists are paged with ``?page=N`` and answer ``{"page": {...}, "<items>": [...]}``.
"""

from aiohttp import web

from . import accounts, posts
from .auth import USER, admin_only, sign_in, signed_in
from .config import CONFIG
from .coroweb import get, post
from .markup import render_in_time
from .middlewares import json_response
from .models import Blog, Comment, User
from .paging import page_of
from .validation import PREVIEW, clean


async def signed_in_json(request: web.Request, user: User) -> web.Response:
    """The user, as the API shows them to themself, with a fresh session cookie."""
    response = json_response(accounts.public(user))
    await sign_in(response, request, user)
    return response


# --- accounts -----------------------------------------------------------------------------


@post("/api/users")
async def api_register(request, *, name=None, email=None, password=None):
    user = await accounts.register({"name": name, "email": email, "password": password})
    return await signed_in_json(request, user)


@post("/api/authenticate")
async def api_authenticate(request, *, email=None, password=None):
    delay = request.app[CONFIG].signin_failure_delay
    values = {"email": email, "password": password}
    user = await accounts.authenticate(values, delay, request.remote or "")
    return await signed_in_json(request, user)


@signed_in
@post("/api/account/password")
async def api_change_password(request, *, current=None, password=None):
    values = {"current": current, "password": password}
    user = await accounts.change_password(request[USER], values, request.remote or "")
    return await signed_in_json(request, user)  # the other sessions ended; this one goes on


@admin_only
@get("/api/users")
async def api_users(request, *, page: int = 1):
    paging, users = await page_of(request, User, page)
    disabled = await accounts.disabled_among(users)
    shown = [{**accounts.for_admins(user), "disabled": user.id in disabled} for user in users]
    return {"page": paging.to_json(), "users": shown}


@admin_only
@post("/api/users/{id}/disable")
async def api_disable_user(request, id):
    return await accounts.set_disabled(request[USER], id, True)


@admin_only
@post("/api/users/{id}/enable")
async def api_enable_user(request, id):
    return await accounts.set_disabled(request[USER], id, False)


# --- articles -----------------------------------------------------------------------------


@get("/api/blogs")
async def api_blogs(request, *, page: int = 1):
    paging, blogs = await page_of(request, Blog, page)
    return {"page": paging.to_json(), "blogs": blogs}


@get("/api/blogs/{id}")
async def api_get_blog(id):
    return await posts.find(Blog, id, "blog")


@admin_only
@post("/api/blogs")
async def api_create_blog(request, *, name=None, summary=None, content=None):
    return await posts.create_blog(request[USER], posts.draft(name, summary, content))


@admin_only
@post("/api/blogs/{id}")
async def api_update_blog(id, *, name=None, summary=None, content=None):
    blog = await posts.find(Blog, id, "blog")
    return await posts.update_blog(blog, posts.draft(name, summary, content))


@admin_only
@post("/api/blogs/{id}/delete")
async def api_delete_blog(id):
    await posts.delete_blog(await posts.find(Blog, id, "blog"))
    return {"id": id}


@admin_only
@post("/api/markdown/preview")
async def api_preview(*, text=None):
    html = await render_in_time(clean(PREVIEW, {"text": text})["text"], "text")
    return {"html": str(html)}


# --- comments -----------------------------------------------------------------------------


@signed_in
@post("/api/blogs/{id}/comments")
async def api_create_comment(request, id, *, content=None, idempotency_key=None):
    blog = await posts.find(Blog, id, "blog")
    per_minute = request.app[CONFIG].comments_per_minute
    # A script's retry sends the same key, as a header (as HTTP APIs do) or in the body.
    key = request.headers.get("Idempotency-Key", idempotency_key)
    values = {"content": content}
    return await posts.add_comment(request[USER], blog, values, per_minute=per_minute, key=key)


@admin_only
@get("/api/comments")
async def api_comments(request, *, page: int = 1):
    paging, comments = await page_of(request, Comment, page)
    return {"page": paging.to_json(), "comments": comments}


@admin_only
@post("/api/comments/{id}/delete")
async def api_delete_comment(id):
    await posts.delete_comment(await posts.find(Comment, id, "comment"))
    return {"id": id}
