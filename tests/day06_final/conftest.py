"""Fixtures shared by day 6's checks."""

from html.parser import HTMLParser

import pytest


class _StartTags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


@pytest.fixture
def elements():
    """Parse HTML into its start tags, each as (tag, {attribute: value as a browser reads it})."""

    def parse(html: str) -> list[tuple[str, dict]]:
        parser = _StartTags()
        parser.feed(html)
        parser.close()
        return parser.found

    return parse
