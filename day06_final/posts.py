"""Articles and comments: what the pages and the JSON API do to them, written once.

A page handler and an API handler differ only in how they answer (HTML or JSON); the work in
between is here: find a row or answer 404, check the fields, write the row. Notice the delete:
an article and its comments go in one transaction, so a failure halfway leaves both in place.
An article's HTML is rendered as it is saved, and stored beside it: no reader waits for it.
"""

import math
import re

from markupsafe import Markup

from . import orm
from .apis import APIError, APIResourceNotFoundError, APIValueError
from .markup import render_in_time
from .models import ID, Blog, BlogHtml, Comment, CommentKey, User
from .paging import Page, find_page
from .validation import BLOG, COMMENT, clean

# What a client may send as a comment's idempotency key: a UUID, a random token.
REQUEST_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")


async def find(model: type[orm.Model], id: str, what: str) -> orm.Model:
    """The row of ``model`` with this ``id``, or a 404 naming ``what``; text that is not an id
    (``models.ID``) is a 404 without a query, so "1' OR '1'='1" never reaches the database."""
    row = await model.find(id) if ID.fullmatch(id) else None
    if row is None:
        raise APIResourceNotFoundError(what, f"no {what} with id {id!r}")
    return row


def draft(name=None, summary=None, content=None) -> dict:
    """An article's fields as a form or a script sent them, for ``create_blog``/``update_blog``."""
    return {"name": name, "summary": summary, "content": content}


def by(author: User) -> dict:
    """The author's columns a blog or comment copies, so that lists need no join."""
    return {"user_id": author.id, "user_name": author.name, "user_image": author.image}


async def create_blog(author: User, values: dict) -> Blog:
    """A new article from ``{name, summary, content}``, by ``author``."""
    fields = clean(BLOG, values)
    html = await render_in_time(fields["content"], "content")
    blog = Blog(**by(author), **fields)
    async with orm.transaction():  # the article and its HTML, or neither
        await blog.save()
        await BlogHtml(blog_id=blog.id, html=str(html)).save()
    return blog


async def update_blog(blog: Blog, values: dict) -> Blog:
    """``blog`` with a new ``{name, summary, content}``; its author stays."""
    fields = clean(BLOG, values)
    html = await render_in_time(fields["content"], "content")
    for name, value in fields.items():
        blog[name] = value  # a Model is a dict of its columns
    async with orm.transaction():
        await blog.update()
        await orm.execute("DELETE FROM blog_html WHERE blog_id = ?", [blog.id])
        await BlogHtml(blog_id=blog.id, html=str(html)).save()
    return blog


async def html_of(blog: Blog) -> Markup:
    """The article as HTML: as stored when it was saved, else rendered now and stored.

    An article written without its HTML (as the seed command writes them) is rendered for its
    first reader; one that cannot be rendered in time is shown as its plain text.
    """
    stored = await BlogHtml.find(blog.id)
    if stored is not None:
        return Markup(stored.html)
    try:
        html = await render_in_time(blog.content, "content")
    except APIValueError:
        return Markup("<pre>{}</pre>").format(blog.content)
    try:
        await BlogHtml(blog_id=blog.id, html=str(html)).save()
    except orm.IntegrityError:
        pass  # another reader's request stored it first
    return html


async def delete_blog(blog: Blog) -> None:
    """Delete ``blog`` and every comment on it, all or nothing."""
    async with orm.transaction():
        comments_of_blog = "SELECT id FROM comments WHERE blog_id = ?"
        await orm.execute(
            f"DELETE FROM comment_keys WHERE comment_id IN ({comments_of_blog})", [blog.id]
        )
        await orm.execute("DELETE FROM comments WHERE blog_id = ?", [blog.id])
        await orm.execute("DELETE FROM blog_html WHERE blog_id = ?", [blog.id])
        await blog.remove()


COMMENT_WINDOW = 60  # seconds: the per_minute of add_comment


class TooManyComments(APIError):
    """429: the author has posted their share for now; Retry-After says when to post again."""

    status = 429

    def __init__(self, per_minute: int, retry_after: int):
        message = (
            f"You may post {per_minute} comments a minute: "
            f"wait {retry_after} seconds, then post it again."
        )
        super().__init__("comment:throttled", "content", message)
        self.headers = {"Retry-After": str(retry_after)}


async def add_comment(
    author: User,
    blog: Blog,
    values: dict,
    *,
    per_minute: int | None = None,
    key: str | None = None,
) -> Comment:
    """A new comment ``{content}`` by ``author`` on ``blog``: at most ``per_minute`` a minute
    (None: no limit, for the seed command and the like).

    ``key``: the idempotency key the form or script sent with it. A request sent again with
    the same key (a retry after a timeout, a form posted twice) gets the comment the first one
    stored, and stores nothing: the key is the primary key of ``comment_keys``, so even two
    copies sent at once store one comment. The rate is counted after saving, as throttle.py
    counts sign-ins: comments sent at once each see the others' rows, in every worker.
    """
    request_key = None
    if key is not None:
        if not REQUEST_KEY.fullmatch(key):
            message = "idempotency_key: 8 to 64 letters, digits, - or _"
            raise APIValueError("idempotency_key", message)
        request_key = f"{author.id}:{key}"  # one reader's keys never meet another's
        if (earlier := await keyed_comment(request_key)) is not None:
            return earlier
    comment = Comment(blog_id=blog.id, **by(author), **clean(COMMENT, values))
    if request_key is None:
        await comment.save()
    else:
        try:
            async with orm.transaction():  # the comment and its key, or neither
                await comment.save()
                await CommentKey(request_key=request_key, comment_id=comment.id).save()
        except orm.IntegrityError:
            # The same request, sent twice at once: the other copy stored it first.
            if (earlier := await keyed_comment(request_key)) is not None:
                return earlier
            message = "This comment was sent before."
            raise APIError("comment:repeated", "idempotency_key", message) from None
    where = "user_id = ? AND created_at > ?"
    args = [author.id, comment.created_at - COMMENT_WINDOW]
    if per_minute is not None and await Comment.findNumber("count(*)", where, args) > per_minute:
        oldest = await Comment.findNumber("min(created_at)", where, args)
        await delete_comment(comment)
        wait = math.ceil(oldest + COMMENT_WINDOW - comment.created_at)
        raise TooManyComments(per_minute, max(1, wait))
    return comment


async def keyed_comment(request_key: str) -> Comment | None:
    """The comment stored with this ``author id:key``, if any."""
    stored = await CommentKey.find(request_key)
    return await Comment.find(stored.comment_id) if stored is not None else None


async def delete_comment(comment: Comment) -> None:
    """Delete ``comment`` and the key it was sent with."""
    async with orm.transaction():
        await orm.execute("DELETE FROM comment_keys WHERE comment_id = ?", [comment.id])
        await comment.remove()


async def last_comment_page(blog: Blog, page_size: int) -> int:
    """The number of the page of ``blog``'s comments that shows the newest."""
    count = await Comment.findNumber("count(*)", "blog_id = ?", [blog.id])
    return Page(count, 1, page_size).page_count


async def comments_on(blog: Blog, page_index: int, page_size: int) -> tuple[Page, list[Comment]]:
    """A page of an article's comments, oldest first: a conversation reads from the top."""
    return await find_page(Comment, page_index, page_size, "blog_id = ?", [blog.id], order="asc")


async def read_article(id: str, page_index: int, page_size: int):
    """The article ``id`` (or a 404), its HTML and a page of its comments:
    ``(blog, html, page, comments)``, read on one connection, borrowed once."""
    async with orm.connection():
        blog = await find(Blog, id, "blog")
        page, comments = await comments_on(blog, page_index, page_size)
        return blog, await html_of(blog), page, comments
