"""Markdown to safe HTML, for articles and for the write-blog page's preview.

An article is written by an admin but read by everyone, so its HTML must not run anything.
Notice the three locks: raw HTML in the text is shown as text, never passed through; a link or
image may only point to http(s), mailto or a relative URL (``javascript:`` in any spelling is
dropped); and links get ``rel="nofollow noopener"``. The result is ``Markup``: Jinja2 inserts it
as it is, because it is already safe. Notice ``render_in_time``: some texts take the parser
seconds (a megabyte of ``![``), so an article is rendered once, as it is saved, in a thread,
and given up with a 400 when it takes longer than ``RENDER_TIME_LIMIT``.
"""

import asyncio
import re
import time
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markupsafe import Markup

from .apis import APIValueError

SAFE_SCHEMES = ("http", "https", "mailto")
# Seconds a text may take to render. A real article of a megabyte takes about one; every page
# shows the HTML stored when the article was saved, so only saving and previewing wait for it.
RENDER_TIME_LIMIT = 5.0


def is_safe_url(url: str) -> bool:
    """Whether a link target is http(s), mailto or relative: nothing a browser would run."""
    # Browsers skip tabs, newlines and control characters inside a scheme ("java\tscript:"),
    # and the parser hands us percent-encoded URLs: undo both before looking at the scheme.
    plain = re.sub(r"[\x00-\x20\x7f]", "", unquote(url)).lower()
    scheme, colon, _ = plain.partition(":")
    if not colon or re.search(r"[/?#]", scheme):
        return True  # no scheme: a relative URL ("/blog/1", "#top", "a/b:c")
    return scheme in SAFE_SCHEMES


def _link_open(renderer, tokens, idx, options, env):
    tokens[idx].attrSet("rel", "nofollow noopener")
    return renderer.renderToken(tokens, idx, options, env)


def _cell_open(renderer, tokens, idx, options, env):
    # A table column's alignment as a class, not a style attribute, which the blog's
    # Content-Security-Policy refuses (headers.py): the stylesheet aligns .align-right.
    token = tokens[idx]
    style = token.attrGet("style")
    if style:
        del token.attrs["style"]
        token.attrSet("class", "align-" + style.removeprefix("text-align:"))
    return renderer.renderToken(tokens, idx, options, env)


class TooSlowToRender(Exception):
    """The text was still being rendered at its deadline."""


def _check_deadline(state, *args) -> bool:
    # A rule that never matches: the parser asks it at every line and at every mark inside a
    # line, so a parse past its deadline stops there, instead of holding a thread for minutes.
    deadline = state.env.get("deadline")
    if deadline is not None and time.monotonic() > deadline:
        raise TooSlowToRender
    return False


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.validateLink = is_safe_url  # called for inline, reference and auto links, and images
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("th_open", _cell_open)
    md.add_render_rule("td_open", _cell_open)
    md.inline.ruler.before("text", "deadline", _check_deadline)
    every_block = {"alt": ["paragraph", "reference", "blockquote", "list"]}
    md.block.ruler.before("table", "deadline", _check_deadline, every_block)
    return md


_markdown = _parser()


def render_markdown(text: str | None, deadline: float | None = None) -> Markup:
    """``text`` (markdown) as HTML that is safe to put in a page as it is.

    ``deadline``: a ``time.monotonic()`` after which to give up with ``TooSlowToRender``.
    """
    return Markup(_markdown.render(text or "", {"deadline": deadline}))


async def render_in_time(text: str | None, field: str) -> Markup:
    """``render_markdown(text)`` in a thread, so the event loop serves other readers meanwhile;
    a 400 naming ``field`` if it takes longer than ``RENDER_TIME_LIMIT`` seconds."""
    deadline = time.monotonic() + RENDER_TIME_LIMIT
    try:
        return await asyncio.to_thread(render_markdown, text, deadline)
    except TooSlowToRender:
        message = (
            f"{field}: this markdown takes the blog more than {RENDER_TIME_LIMIT:g} seconds to "
            "render; split it, or simplify what repeats in it"
        )
        raise APIValueError(field, message) from None
