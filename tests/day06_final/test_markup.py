"""markup.py: markdown rendered to HTML that cannot run anything, whatever the author typed."""

import re
import time
from urllib.parse import unquote

import pytest
from markupsafe import Markup

MARKDOWN_TAGS = {
    *"p h1 h2 h3 h4 h5 h6 a img strong em code pre ul ol li blockquote hr br s".split(),
    *"table thead tbody tr th td".split(),
}
SAFE_ATTRIBUTES = {"href", "src", "alt", "title", "rel", "start", "class"}


@pytest.fixture
def render(workbook, day):
    """The day's render_markdown."""
    return workbook.load(day, "markup").render_markdown


def runs_nothing(html: str, elements) -> bool:
    """Assert that ``html`` holds only markdown's own tags, no handlers, no script URLs."""
    for tag, attributes in elements(html):
        assert tag in MARKDOWN_TAGS, f"<{tag}> in {html}"
        assert set(attributes) <= SAFE_ATTRIBUTES, f"{attributes} in {html}"
        assert re.fullmatch(r"align-(left|center|right)", attributes.get("class", "align-left"))
        for name in ("href", "src"):
            # What the browser does before choosing a scheme: drop controls, decode percents.
            url = re.sub(r"[\x00-\x20\x7f]", "", unquote(attributes.get(name) or "")).lower()
            scheme = url.split(":", 1)[0] if re.match(r"[a-z][a-z0-9+.-]*:", url) else ""
            assert scheme in ("", "http", "https", "mailto"), f"{name}={url!r} in {html}"
    return True


XSS = {
    "script tag": "<script>alert(1)</script>",
    "img onerror": '<img src=x onerror="alert(1)">',
    "inline html in text": 'hello <a href="javascript:alert(1)">x</a> <b onclick=alert(1)>b</b>',
    "html block": '<div onclick="alert(1)">\n\nhi\n\n</div>',
    "iframe": "<iframe src=javascript:alert(1)></iframe>",
    "svg": "<svg/onload=alert(1)>",
    "javascript link": "[a](javascript:alert(1))",
    "upper-case scheme": "[a](JAVASCRIPT:alert(1))",
    "mixed-case scheme": "[a](JaVaScRiPt:alert(1))",
    "pointy brackets": "[a](<javascript:alert(1)>)",
    "with a title": '[a](javascript:alert(1) "title")',
    "decimal entity": "[a](java&#115;cript:alert(1))",
    "hex entity": "[a](&#x6A;avascript:alert(1))",
    "named entity colon": "[a](javascript&colon;alert(1))",
    "tab inside": "[a](<java\tscript:alert(1)>)",
    "newline entity": "[a](java&#10;script:alert(1))",
    "percent-encoded": "[a](java%09script:alert(1))",
    "control character": "[a](\x01javascript:alert(1))",
    "leading spaces": "[a](   javascript:alert(1))",
    "comment trick": "[a](javascript://%0Aalert(1))",
    "vbscript": "[a](vbscript:msgbox(1))",
    "data html": "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data image": "![a](data:image/png;base64,iVBORw0KGgo=)",
    "data svg image": "![a](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
    "javascript image": "![a](javascript:alert(1))",
    "file link": "[a](file:///etc/passwd)",
    "reference link": "[a][x]\n\n[x]: javascript:alert(1)",
    "reference image": "![a][x]\n\n[x]: javascript:alert(1)",
    "collapsed reference": "[x][]\n\n[x]: JAVASCRIPT:alert(1)",
    "shortcut reference with entity": "[x]\n\n[x]: java&#115;cript:alert(1)",
    "autolink": "<javascript:alert(1)>",
    "autolink upper case": "<JAVASCRIPT:alert(1)>",
    "autolink vbscript": "<vbscript:msgbox(1)>",
    "autolink data": "<data:text/html,<script>alert(1)</script>>",
    "quote breaking out of href": '[a](http://x" onmouseover="alert(1))',
    "html in link title": '[a](https://example.com "\\"><script>alert(1)</script>")',
    "html in image alt": "![<img src=x onerror=alert(1)>](https://example.com/a.png)",
    "html in a table": "| a |\n|---|\n| <script>alert(1)</script> |",
    "html in a code span": "`<script>alert(1)</script>`",
}


@pytest.mark.parametrize("source", XSS.values(), ids=XSS.keys())
def test_markdown_never_renders_anything_that_runs(render, elements, source):
    assert runs_nothing(render(source), elements)


@pytest.mark.parametrize(
    "source", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"], ids=["script", "img"]
)
def test_raw_html_is_shown_as_text(render, source):
    html = render(source)
    assert "&lt;" in html and "<script" not in html and "<img" not in html


def test_the_result_is_markup_so_jinja2_inserts_it_as_it_is(render):
    assert isinstance(render("*hi*"), Markup)


@pytest.mark.parametrize("empty", [None, ""])
def test_no_text_renders_as_nothing(render, empty):
    assert render(empty) == ""


def test_markdown_renders_headings_emphasis_lists_and_code(render):
    html = render("# Title\n\n*em* **strong** ~~gone~~\n\n- one\n- two\n\n```\nx < y\n```")
    for part in ("<h1>Title</h1>", "<em>em</em>", "<strong>strong</strong>", "<s>gone</s>"):
        assert part in html
    assert "<li>one</li>" in html
    assert "<pre><code>x &lt; y\n</code></pre>" in html


def test_tables_render(render, elements):
    html = render("| name | n |\n|:-----|--:|\n| 博客 | 3 |")
    assert "<table>" in html and ">博客</td>" in html
    assert runs_nothing(html, elements)
    # A column's alignment is a class: the Content-Security-Policy refuses style attributes.
    cells = [attributes for tag, attributes in elements(html) if tag in ("th", "td")]
    assert [cell["class"] for cell in cells] == ["align-left", "align-right"] * 2


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a?b=1#c",
        "http://example.com",
        "mailto:me@example.com",
        "/blog/1",
        "#top",
    ],
)
def test_safe_links_are_kept_with_rel_nofollow_noopener(render, elements, url):
    [attributes] = [a for tag, a in elements(render(f"[x]({url})")) if tag == "a"]
    assert attributes["href"] == url
    assert attributes["rel"] == "nofollow noopener"


def test_autolinks_and_reference_links_to_https_work(render, elements):
    html = render("<https://example.com/x>\n\n[ref][r]\n\n[r]: https://example.com/r")
    links = [a["href"] for tag, a in elements(html) if tag == "a"]
    assert links == ["https://example.com/x", "https://example.com/r"]


def test_images_from_https_are_kept(render, elements):
    html = render("![a cat](https://example.com/cat.png)")
    assert [("img", {"src": "https://example.com/cat.png", "alt": "a cat"})] == [
        (tag, a) for tag, a in elements(html) if tag == "img"
    ]


def test_chinese_and_emoji_come_through_untouched(render):
    html = render("## 你好，世界 🎉\n\n这是第一篇文章 😀")
    assert "<h2>你好，世界 🎉</h2>" in html
    assert "这是第一篇文章 😀" in html


def test_a_text_still_rendering_at_its_deadline_is_given_up(workbook, day):
    markup = workbook.load(day, "markup")
    # A megabyte of "![" keeps the parser busy for half a minute: the deadline stops it.
    with pytest.raises(markup.TooSlowToRender):
        markup.render_markdown("![" * 500_000, deadline=time.monotonic() + 0.2)
