"""feed.py: a valid Atom 1.0 feed of the latest articles, escaped, in UTF-8."""

import re
from xml.etree import ElementTree

import pytest

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
SITE = "https://blog.example.com"


def blog(n: int, **fields) -> dict:
    return {
        "id": f"00{n}",
        "name": f"Article {n}",
        "summary": f"Summary {n}",
        "user_name": "Ann",
        "created_at": 1_700_000_000.0 + n,
        **fields,
    }


@pytest.fixture
def feed(workbook, day):
    """Build a feed with the day's atom_feed and parse it back: (the text, its root element)."""
    atom_feed = workbook.load(day, "feed").atom_feed

    def build(blogs, site_url=SITE, title="Awesome Python Blog"):
        text = atom_feed(blogs, site_url, title)
        return text, ElementTree.fromstring(text.encode("utf-8"))

    return build


def test_the_feed_is_atom_with_the_required_elements(feed):
    _, root = feed([blog(2), blog(1)])
    assert root.tag == f"{A}feed"
    assert root.findtext(f"{A}title") == "Awesome Python Blog"
    assert root.findtext(f"{A}id") == f"{SITE}/"
    assert RFC3339.fullmatch(root.findtext(f"{A}updated"))
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{A}link")}
    assert links == {"alternate": f"{SITE}/", "self": f"{SITE}/feed.xml"}


def test_each_article_is_an_entry_in_the_given_order(feed):
    _, root = feed([blog(2), blog(1)])
    entries = root.findall(f"{A}entry")
    assert [e.findtext(f"{A}title") for e in entries] == ["Article 2", "Article 1"]
    first = entries[0]
    assert first.findtext(f"{A}id") == f"{SITE}/blog/002"
    assert first.find(f"{A}link").get("href") == f"{SITE}/blog/002"
    assert first.findtext(f"{A}author/{A}name") == "Ann"
    assert first.findtext(f"{A}summary") == "Summary 2"
    assert first.findtext(f"{A}updated") == "2023-11-14T22:13:22Z"


def test_the_feed_is_as_recent_as_its_newest_article(feed):
    _, root = feed([blog(5), blog(9), blog(1)])
    assert root.findtext(f"{A}updated") == "2023-11-14T22:13:29Z"


def test_an_empty_feed_is_still_valid(feed):
    _, root = feed([])
    assert root.findall(f"{A}entry") == []
    assert RFC3339.fullmatch(root.findtext(f"{A}updated"))


def test_markup_in_titles_and_summaries_is_escaped_text(feed):
    nasty = '<script>alert("x")</script> & <b>bold</b>'
    text, root = feed([blog(1, name=nasty, summary=nasty, user_name=nasty)])
    assert "<script>" not in text and "&lt;script&gt;" in text
    entry = root.find(f"{A}entry")
    assert entry.findtext(f"{A}title") == nasty
    assert entry.findtext(f"{A}summary") == nasty
    assert entry.findtext(f"{A}author/{A}name") == nasty


def test_chinese_and_emoji_come_through_intact(feed):
    text, root = feed([blog(1, name="你好，世界 🎉", summary="第一篇 😀")], title="博客")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    assert root.findtext(f"{A}title") == "博客"
    assert root.findtext(f"{A}entry/{A}title") == "你好，世界 🎉"
    assert root.findtext(f"{A}entry/{A}summary") == "第一篇 😀"


def test_characters_xml_cannot_hold_are_dropped_so_the_feed_still_parses(feed):
    _, root = feed([blog(1, name="bell\x07 and\x00 nul", summary="form\x0cfeed")])
    assert root.findtext(f"{A}entry/{A}title") == "bell and nul"
    assert root.findtext(f"{A}entry/{A}summary") == "formfeed"


def test_a_trailing_slash_on_the_site_url_does_not_double(feed):
    _, root = feed([blog(1)], site_url=SITE + "/")
    assert root.findtext(f"{A}entry/{A}id") == f"{SITE}/blog/001"
