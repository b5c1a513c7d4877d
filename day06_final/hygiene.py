"""Requests answered before a handler could echo Python's internals back to the sender.

Each of these once leaked something: a file sent where a form field belongs was shown in the
form as ``FileField(... SpooledTemporaryFile object at 0x7f...)``; a JSON number of 5,000 digits
answered with advice about ``sys.set_int_max_str_digits()``; a missing static file was an empty
download that the access log counted as a 200. Notice that each is now a plain 4xx that names
what was wrong, and that a missing file gets the blog's own 404 page.
"""

import json
import re
import sys
from pathlib import Path

from aiohttp import web

from .apis import APIError, APIValueError

STATIC = Path(__file__).resolve().parent / "static"  # what coroweb.add_static serves
# A run of digits longer than Python converts to an int: only then is the JSON parsed here.
LONG_NUMBER = re.compile(rb"[0-9]{%d}" % (sys.get_int_max_str_digits() + 1))


class NumberTooLong(ValueError):
    """A JSON integer with more digits than Python converts."""


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > sys.get_int_max_str_digits():
        raise NumberTooLong
    return int(digits)


def is_static_file(name: str) -> bool:
    """Whether ``static/`` holds a file (not a folder) of this name."""
    try:
        path = (STATIC / name).resolve()
        return path.is_relative_to(STATIC) and path.is_file()
    except (OSError, ValueError):  # ValueError: a NUL byte ("avatar.svg%00.py")
        return False


async def refuse_files(request: web.Request) -> None:
    """A 400 naming the first field of a multipart form that came as a file: the blog takes none."""
    try:
        form = await request.post()
    except (ValueError, LookupError) as exc:  # as coroweb.read_body says it
        raise APIError("body:invalid", "", f"malformed form body: {exc}") from None
    files = [(name, value) for name, value in form.items() if isinstance(value, web.FileField)]
    for _, upload in files:
        upload.file.close()
    if files:
        name = files[0][0]
        raise APIValueError(name, f"{name}: expected text, not a file")


async def refuse_long_numbers(request: web.Request) -> None:
    """A 400 for a JSON body holding an integer too long to convert, said in plain words."""
    raw = await request.read()  # aiohttp keeps it: the handler's read gets the same bytes
    if not LONG_NUMBER.search(raw):  # a quick scan; digits in a string are parsed below
        return
    try:
        json.loads(raw, parse_int=_bounded_int)
    except NumberTooLong:
        limit = sys.get_int_max_str_digits()
        message = f"malformed JSON body: a number has more than {limit} digits"
        raise APIError("body:invalid", "", message) from None
    except (ValueError, RecursionError):
        pass  # malformed in another way: coroweb.read_body says how


@web.middleware
async def no_internals(request: web.Request, handler) -> web.StreamResponse:
    """Refuse, in plain words, what would otherwise reach a handler and leak internals."""
    resource = request.match_info.route.resource
    if isinstance(resource, web.StaticResource):
        # aiohttp's own answer would find the file missing only as it sends it: an empty 404
        # that every middleware saw as a 200. Looking first gives the error page, logged 404.
        if not is_static_file(request.match_info["filename"]):
            raise web.HTTPNotFound()
    elif request.body_exists and request.content_type == "multipart/form-data":
        await refuse_files(request)
    elif request.body_exists and request.content_type == "application/json":
        await refuse_long_numbers(request)
    return await handler(request)
