"""Markdown to safe HTML, for articles and for the write-blog page's preview.

An article is written by an admin but read by everyone, so its HTML must not run anything.
Notice the three locks: raw HTML in the text is shown as text, never passed through; a link or
image may only point to http(s), mailto or a relative URL (``javascript:`` in any spelling is
dropped); and links get ``rel="nofollow noopener"``. The result is ``Markup``: Jinja2 inserts it
as it is, because it is already safe.
"""

import functools
import re
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markupsafe import Markup

SAFE_SCHEMES = ("http", "https", "mailto")


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


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.validateLink = is_safe_url  # called for inline, reference and auto links, and images
    md.add_render_rule("link_open", _link_open)
    return md


_markdown = _parser()


# Rendering is the costliest work of an article's page, often more than the rest of it
# together, and the same few articles are read again and again: the last 32 renderings are
# kept, by their text (so an edited article is rendered anew). Markup is immutable: safe to share.
@functools.lru_cache(maxsize=32)
def render_markdown(text: str | None) -> Markup:
    """``text`` (markdown) as HTML that is safe to put in a page as it is."""
    return Markup(_markdown.render(text or ""))
