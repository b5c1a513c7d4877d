"""Articles and comments: what the pages and the JSON API do to them, written once.

A page handler and an API handler differ only in how they answer (HTML or JSON); the work in
between is here: find a row or answer 404, check the fields, write the row. Notice the delete:
an article and its comments go in one transaction, so a failure halfway leaves both in place.
An article's HTML is rendered as it is saved, and stored beside it: no reader waits for it.
"""

import re

from markupsafe import Markup

from . import orm
from .apis import APIResourceNotFoundError, APIValueError
from .markup import render_in_time
from .models import Blog, BlogHtml, Comment, User
from .validation import BLOG, COMMENT, clean

# What models.next_id() makes. Anything else cannot be an id, so it is a 404 at once, without
# a query: "1' OR '1'='1" never reaches the database, nor does text it could not even store.
ID = re.compile(r"[0-9a-f]{50}")


async def find(model: type[orm.Model], id: str, what: str) -> orm.Model:
    """The row of ``model`` with this ``id``, or a 404 naming ``what`` was not found."""
    row = await model.find(id) if ID.fullmatch(id) else None
    if row is None:
        raise APIResourceNotFoundError(what, f"no {what} with id {id!r}")
    return row


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
    # dict.update, not blog.update(): on a Model, update() is the ORM's UPDATE statement.
    dict.update(blog, fields)
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
        await orm.execute("DELETE FROM comments WHERE blog_id = ?", [blog.id])
        await orm.execute("DELETE FROM blog_html WHERE blog_id = ?", [blog.id])
        await blog.remove()


async def add_comment(author: User, blog: Blog, values: dict) -> Comment:
    """A new comment ``{content}`` by ``author`` on ``blog``."""
    comment = Comment(blog_id=blog.id, **by(author), **clean(COMMENT, values))
    await comment.save()
    return comment


async def comments_on(blog: Blog) -> list[Comment]:
    """An article's comments, oldest first: a conversation reads from the top."""
    return await Comment.findAll("blog_id = ?", [blog.id], orderBy="created_at asc")
