"""The JSON API's errors, each knowing its HTTP status, and ``Page``, which cuts a list into pages.

A handler raises ``APIValueError("email", "not an email address")``; the error middleware
answers ``{"error": "value:invalid", "data": "email", "message": ...}`` with status 400.
Notice that the status is part of the error: an API that answers errors with 200 makes every
client guess. ``Page`` is plain arithmetic; ``find_page`` asks a model for one page of rows.
"""

import math

from . import orm


class APIError(Exception):
    """An error a JSON client can act on: a code (``error``), what it is about, a message."""

    status = 400

    def __init__(self, error: str, data: str = "", message: str = ""):
        super().__init__(message or error)
        self.error, self.data, self.message = error, data, message


class APIValueError(APIError):
    """A field of the request is missing or wrong: ``data`` names the field."""

    def __init__(self, field: str, message: str = ""):
        super().__init__("value:invalid", field, message)


class APIResourceNotFoundError(APIError):
    """The thing asked for does not exist: ``data`` says which kind of thing."""

    status = 404

    def __init__(self, field: str, message: str = ""):
        super().__init__("value:notfound", field, message)


class APIPermissionError(APIError):
    """The user may not do this: signed in, but not an administrator."""

    status = 403

    def __init__(self, message: str = ""):
        super().__init__("permission:forbidden", "permission", message)


class APIAuthenticationError(APIError):
    """Who is asking is not known (401): not signed in, or a sign-in that failed."""

    status = 401

    def __init__(self, message: str = "", error: str = "auth:required"):
        super().__init__(error, "auth", message)


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


async def find_page(model, page_index: int, page_size: int, *, columns=None):
    """One page of a model's rows, newest first: ``(page, rows)``.

    ``columns``: read only these (a page of summaries need not read ten articles' text). The
    two queries (how many rows, which rows) share one connection, borrowed once.
    """
    async with orm.connection():
        page = Page(await model.findNumber("count(*)"), page_index, page_size)
        limit = (page.offset, page.limit)
        rows = await model.findAll(orderBy="created_at desc", limit=limit, columns=columns)
    return page, rows
