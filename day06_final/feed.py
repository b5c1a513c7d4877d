"""The Atom feed (RFC 4287): the latest articles, as XML that feed readers understand.

Notice that the XML is built with ``xml.etree``, never by pasting strings together: the library
escapes every title and summary, so a ``<`` or ``&`` in an article cannot break the feed. The
few characters XML cannot hold at all are dropped, and dates are RFC 3339, in UTC.
"""

import re
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from urllib.parse import quote
from xml.etree import ElementTree

ATOM = "http://www.w3.org/2005/Atom"
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def rfc3339(timestamp: float) -> str:
    """A ``created_at`` timestamp as an RFC 3339 date in UTC: ``2024-05-01T08:30:00Z``."""
    moment = datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")
    return moment.replace("+00:00", "Z")


def _add(parent: ElementTree.Element, tag: str, text: str | None = None, **attributes):
    element = ElementTree.SubElement(parent, tag, attributes)
    element.text = NOT_IN_XML.sub("", text) if text else None
    return element


def atom_feed(blogs: Iterable[Mapping], site_url: str, title: str) -> str:
    """The feed of ``blogs`` (newest first; each with id, name, summary, user_name, created_at).

    ``site_url`` is the blog's address as readers see it, e.g. ``https://blog.example.com``.
    """
    blogs = list(blogs)
    site = site_url.rstrip("/")
    feed = ElementTree.Element("feed", xmlns=ATOM)
    _add(feed, "title", title)
    _add(feed, "id", f"{site}/")
    _add(feed, "link", rel="alternate", type="text/html", href=f"{site}/")
    _add(feed, "link", rel="self", type="application/atom+xml", href=f"{site}/feed.xml")
    newest = max((blog["created_at"] for blog in blogs), default=time.time())
    _add(feed, "updated", rfc3339(newest))
    for blog in blogs:
        url = f"{site}/blog/{quote(str(blog['id']), safe='')}"
        entry = _add(feed, "entry")
        _add(entry, "title", blog["name"])
        _add(entry, "id", url)
        _add(entry, "link", rel="alternate", type="text/html", href=url)
        _add(entry, "published", rfc3339(blog["created_at"]))
        _add(entry, "updated", rfc3339(blog["created_at"]))
        _add(_add(entry, "author"), "name", blog["user_name"])
        _add(entry, "summary", blog["summary"], type="text")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(feed, "unicode")
