"""Paging: ``?page=N`` of a list, as ``Page`` (the arithmetic) and ``find_page`` (the queries).

Every list of the blog, the home page, the management tables, the API's lists and an article's
comments, is cut into pages here. Notice that ``Page`` refuses what cannot be a page before
any row is read: ``page=0`` is a 400 naming ``page``, a page after the last one a 404.
"""

import math

from aiohttp import web

from . import orm
from .apis import APIResourceNotFoundError, APIValueError
from .config import CONFIG


class Page:
    """Page ``page_index`` (from 1) of ``item_count`` items, ``page_size`` a page.

    ``offset`` and ``limit`` are what the query needs. There is always at least one page, so an
    empty list is page 1 of 1. A page number that is not a whole number from 1 is a 400 naming
    ``page``; a page after the last one is a 404 that says how many pages there are.
    """

    # What to_json() gives a client: everything a pager needs.
    FIELDS = (
        "item_count",
        "page_index",
        "page_size",
        "page_count",
        "offset",
        "limit",
        "has_previous",
        "has_next",
    )

    def __init__(self, item_count: int, page_index: int = 1, page_size: int = 10):
        if type(page_index) is not int or page_index < 1:
            raise APIValueError("page", f"page: expected a whole number from 1, not {page_index!r}")
        self.item_count, self.page_index, self.page_size = item_count, page_index, page_size
        self.page_count = max(1, math.ceil(item_count / page_size))
        if page_index > self.page_count:
            pages = "1 page" if self.page_count == 1 else f"{self.page_count} pages"
            raise APIResourceNotFoundError("page", f"no page {page_index}: there are {pages}")
        self.offset, self.limit = (page_index - 1) * page_size, page_size
        self.has_previous = page_index > 1
        self.has_next = page_index < self.page_count

    def to_json(self) -> dict:
        return {name: getattr(self, name) for name in self.FIELDS}

    def __repr__(self) -> str:
        return f"Page({self.item_count}, page_index={self.page_index}, page_size={self.page_size})"


async def find_page(
    model, page_index: int, page_size: int, where=None, args=None, *, order="desc", columns=None
):
    """One page of a model's rows (those ``where`` matches, if given), by ``created_at``,
    newest first unless ``order="asc"``: ``(page, rows)``.

    ``columns``: read only these (a page of summaries need not read ten articles' text). The
    two queries (how many rows, which rows) share one connection, borrowed once.
    """
    async with orm.connection():
        page = Page(await model.findNumber("count(*)", where, args), page_index, page_size)
        limit = (page.offset, page.limit)
        order_by = f"created_at {order}"
        rows = await model.findAll(where, args, orderBy=order_by, limit=limit, columns=columns)
    return page, rows


async def page_of(request: web.Request, model, page_index: int, *, columns=None):
    """``find_page`` for a list the blog shows, newest first, ``page_size`` long (the setting)."""
    return await find_page(model, page_index, request.app[CONFIG].page_size, columns=columns)
