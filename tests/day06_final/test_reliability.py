"""Reliability: whatever a hostile or broken client sends is a 4xx that writes nothing, never a
5xx; a database cut or stalled under writes loses no acknowledged write, and the blog comes
back by itself; a short mixed load gives no 5xx and loses no comment.

The hostile corpus is a table: each entry is one request, who sends it, and the 4xx it must
get. One test per kind of entry sends all of its kind to one blog (on SQLite, then MariaDB) and
names every entry that misbehaved in a single assertion. The long runs live in benchmarks/.
"""

import asyncio
import dataclasses
import itertools
import json
from collections import Counter
from urllib.parse import urlsplit

import aiohttp
import pytest
import yarl
from aiohttp.test_utils import TestClient

from tests.day06_final.conftest import PASSWORD, Auth
from tests.day06_final.test_security import forged_cookies

pytestmark = pytest.mark.production

# The tests' body limit: small enough that a body over it is cheap to send, large enough for
# the deeply nested JSON below (whose parser, not the limit, must refuse it).
BODY_LIMIT = 256 * 1024
OVER_THE_LIMIT = b"x" * (BODY_LIMIT + 1)
DEEP = 100_000  # levels of nesting: far deeper than Python's recursion limit
SCRIPT = "<script>alert(1)</script>"
# Every answer must come this fast, a refusal included, whatever happened to the database:
# seconds, not a hang. (The only bound on time in these checks.)
QUICK = 5.0
# What no answer may contain: a traceback, the code or the instance's files, this machine's.
LEAKS = (b"Traceback", b"MIN_SECRET_LENGTH", b"from .", b"root:x:0:0")
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data; boundary=hostile"
EVIL = "https://evil.example"
SCRIPT_ACCEPT = (("Accept", JSON),)
# Placeholders a path may hold, filled in with the test's own article and comment.
BLOG, COMMENT = "{blog}", "{comment}"


@dataclasses.dataclass(frozen=True)
class Hostile:
    """One request of the corpus, and the answer it must get."""

    what: str  # how a failure report names the entry
    method: str
    path: str  # sent exactly as written: no dot segment removed, no percent-encoding redone
    status: int | tuple[int, ...]  # the 4xx wanted; a tuple where HTTP allows a choice
    who: str = "visitor"  # visitor, reader or admin
    body: bytes | None = None
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    field: str | None = None  # the field a 400 must name ("" for a body that is no object)
    cookie: str | None = None  # sent instead of a real session: a key of forged_cookies
    chunked: bool = False  # sent without a Content-Length, in chunks

    @property
    def wanted(self) -> tuple[int, ...]:
        return self.status if isinstance(self.status, tuple) else (self.status,)


def as_json(value) -> bytes:
    return json.dumps(value).encode()


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def api(what, path, value, status=400, *, who="visitor", field=None, method="POST"):
    """A JSON request: ``value`` is encoded, or sent as it is when it is already bytes."""
    body = value if isinstance(value, bytes) else as_json(value)
    return Hostile(what, method, path, status, who, body, JSON, field=field)


def form(what, path, body: bytes, status=400, *, who="visitor", field=None, content_type=FORM):
    return Hostile(what, "POST", path, status, who, body, content_type, field=field)


def cross_site(what, path, who, headers, body=None, content_type=JSON):
    """A POST another site's page makes the browser of ``who`` send: a 403."""
    return Hostile(what, "POST", path, 403, who, body, content_type if body else None, headers)


def multipart(name: str, value: bytes, *, filename: str | None = None, closed=True) -> bytes:
    """A multipart/form-data body of one part, with the boundary MULTIPART names."""
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    part = f"--hostile\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + value
    return part + (b"\r\n--hostile--\r\n" if closed else b"")


USER = {"name": "Mallory", "email": "mallory@example.com", "password": PASSWORD}
ARTICLE = {"name": "Title", "summary": "Summary", "content": "Content"}
COMMENTS = f"/api/blogs/{BLOG}/comments"

BODIES = [
    # Broken JSON, and JSON that is not an object. (test_validation sends '{"name": '.)
    api("JSON list", "/api/users", [USER], field=""),
    api("JSON number", "/api/users", 42, field=""),
    api("JSON string", "/api/authenticate", "admin@example.com", field=""),
    api("JSON null", "/api/blogs", None, who="admin", field=""),
    api("JSON true", COMMENTS, True, who="reader", field=""),
    api(
        "an integer of 5000 digits",
        COMMENTS,
        b'{"content": 1' + b"0" * 5000 + b"}",
        who="reader",
        field="",
    ),
    # Deep nesting, for the parser to refuse.
    api("100k nested [ never closed", "/api/users", b"[" * DEEP, field=""),
    api("100k nested lists", "/api/authenticate", nested(DEEP), field=""),
    api(
        "a field of 100k nested lists",
        COMMENTS,
        b'{"content": ' + nested(DEEP) + b"}",
        who="reader",
        field="",
    ),
    api("25k nested objects", "/api/users", b'{"a":' * 25_000 + b"1" + b"}" * 25_000, field=""),
    # Wrong JSON types where text is expected.
    api("name: an object", "/api/users", {**USER, "name": {"first": "M"}}, field="name"),
    api("email: a list", "/api/users", {**USER, "email": ["a@example.com"]}, field="email"),
    api("password: true", "/api/authenticate", {**USER, "password": True}, field="password"),
    api("password: an object", "/api/users", {**USER, "password": {"$ne": ""}}, field="password"),
    api("content: a number", "/api/blogs", {**ARTICLE, "content": 1}, who="admin", field="content"),
    api(
        "summary: a list",
        f"/api/blogs/{BLOG}",
        {**ARTICLE, "summary": ["s"]},
        who="admin",
        field="summary",
    ),
    api("content: an object", COMMENTS, {"content": {"text": "hi"}}, who="reader", field="content"),
    api("content: NaN", COMMENTS, b'{"content": NaN}', who="reader", field="content"),
    api("content: 1e999", COMMENTS, b'{"content": 1e999}', who="reader", field="content"),
    api("text: a list", "/api/markdown/preview", {"text": ["*"]}, who="admin", field="text"),
    api("page: a list in a GET's body", "/api/blogs", {"page": [1]}, field="page", method="GET"),
    # Text that is no text: invalid UTF-8, a lone surrogate, a NUL.
    api("invalid UTF-8 in JSON", "/api/users", b'{"name": "\xff\xfe", "email": "a@b.c"}', field=""),
    api("invalid UTF-8 in a comment", COMMENTS, b'{"content": "\xc3\x28"}', who="reader", field=""),
    api("a lone surrogate", COMMENTS, b'{"content": "\\ud800"}', who="reader", field="content"),
    api("a NUL", "/api/blogs", {**ARTICLE, "name": "a\x00b"}, who="admin", field="name"),
    # Bodies over the limit: 413, whether the route reads them or not.
    api("JSON over the limit", "/api/users", OVER_THE_LIMIT, 413),
    api("a comment over the limit", COMMENTS, OVER_THE_LIMIT, 413, who="reader"),
    api("an article over the limit", "/api/blogs", OVER_THE_LIMIT, 413, who="admin"),
    api(
        "a delete with a body over the limit",
        f"/api/blogs/{BLOG}/delete",
        OVER_THE_LIMIT,
        413,
        who="admin",
    ),
    form("a form over the limit", "/register", b"name=" + OVER_THE_LIMIT, 413),
    form(
        "a multipart file over the limit",
        f"/blog/{BLOG}/comments",
        multipart("content", OVER_THE_LIMIT, filename="big.txt"),
        413,
        who="reader",
        content_type=MULTIPART,
    ),
    Hostile(
        "a chunked body over the limit",
        "POST",
        "/api/users",
        413,
        body=OVER_THE_LIMIT,
        content_type=JSON,
        chunked=True,
    ),
    Hostile(
        "a chunked body over the limit to a delete, which reads no body",
        "POST",
        f"/api/blogs/{BLOG}/delete",
        413,
        who="admin",
        body=OVER_THE_LIMIT,
        content_type=JSON,
        chunked=True,
    ),
    # Forms: invalid UTF-8, broken encodings, a file where text belongs, fields refused.
    form("raw invalid UTF-8 in a form", "/signin", b"email=\xff\xfe&password=x"),
    form(
        "percent-encoded invalid UTF-8", "/signin", b"email=%ff%fe%40x.y&password=x", field="email"
    ),
    form(
        "a name of percent-encoded invalid UTF-8",
        "/register",
        b"name=%ff%fe&email=m%40example.com&password=aaaaaaaa&password2=aaaaaaaa",
        field="name",
    ),
    form(
        "invalid UTF-8 in a multipart field",
        f"/blog/{BLOG}/comments",
        multipart("content", b"\xff\xfe"),
        who="reader",
        content_type=MULTIPART,
    ),
    Hostile(
        "a comment of invalid UTF-8 in the query string",
        "POST",
        f"{COMMENTS}?content=%ff%fe",
        400,
        "reader",
        field="content",
    ),
    form(
        "a form in an unknown charset",
        "/signin",
        b"email=a%40b.c&password=x",
        content_type=f"{FORM}; charset=no-such-charset",
    ),
    form(
        "multipart without its end",
        f"/blog/{BLOG}/comments",
        multipart("content", b"hi", closed=False),
        who="reader",
        content_type=MULTIPART,
    ),
    form(
        "multipart without a boundary",
        f"/blog/{BLOG}/comments",
        b"--x\r\n\r\nhi\r\n--x--",
        who="reader",
        content_type="multipart/form-data",
    ),
    form(
        "a file as a comment",
        f"/blog/{BLOG}/comments",
        multipart("content", b"hi", filename="c.txt"),
        who="reader",
        content_type=MULTIPART,
        field="content",
    ),
    form(
        "a comment given twice",
        f"/blog/{BLOG}/comments",
        b"content=a&content=b",
        who="reader",
        field="content",
    ),
    form(
        "an empty comment",
        f"/blog/{BLOG}/comments",
        b"content=+%0D%0A+",
        who="reader",
        field="content",
    ),
    form(
        "a script name, passwords that differ",
        "/register",
        b"name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&email=m%40example.com"
        b"&password=aaaaaaaa&password2=bbbbbbbb",
        field="password2",
    ),
    form(
        "a title with a line break",
        "/manage/blogs/create",
        b"name=a%0Ab&summary=s&content=c",
        who="admin",
        field="name",
    ),
    form(
        "a summary too long",
        f"/manage/blogs/edit?id={BLOG}",
        b"name=n&summary=" + b"s" * 201 + b"&content=c",
        who="admin",
        field="summary",
    ),
    form("SQL as the email", "/signin", b"email=%27+OR+%271%27%3D%271&password=x", field="email"),
    form(
        "SQL as the password", "/signin", b"email=admin%40example.com&password=%27+OR+1%3D1--", 401
    ),
    api(
        "SQL as the password, API",
        "/api/authenticate",
        {"email": "admin@example.com'--", "password": "' OR '1'='1"},
        401,
    ),
    # Content types the blog does not read.
    Hostile("text/plain", "POST", "/api/users", 415, body=b"name=x", content_type="text/plain"),
    Hostile("XML", "POST", "/api/blogs", 415, "admin", b"<blog/>", "application/xml"),
    Hostile("no content type", "POST", COMMENTS, 415, "reader", b'{"content": "hi"}'),
    Hostile("JSON patch", "POST", COMMENTS, 415, "reader", b"[]", "application/json-patch+json"),
    Hostile("CSV to a form", "POST", "/register", 415, body=b"a,b", content_type="text/csv"),
    api("a form sent as JSON", "/api/users", b"name=x&email=y", field=""),
]

SQL = "1'%20OR%20'1'='1"
PAGES = ["0", "-1", str(10**30), "1e3", "NaN", "inf", "1.5", "", "%EF%BC%91", "1%20OR%201=1"]
# test_validation sends these to the API's lists already.
VALIDATED_PAGES = {"0", "-1", "1.5", ""}
ADDRESSES = [
    # SQL, scripts and invalid UTF-8 in ids: a 404, and no query.
    Hostile("SQL as an article id", "GET", f"/api/blogs/{SQL}", 404),
    Hostile("SQL as an article id, a page", "GET", f"/blog/{SQL}", 404),
    Hostile("a script as an article id", "GET", "/blog/%3Cscript%3Ealert(1)%3C%2Fscript%3E", 404),
    Hostile("a script as an API id", "GET", "/api/blogs/%3Cscript%3Ealert(1)%3C/script%3E", 404),
    Hostile("invalid UTF-8 as an id", "GET", "/api/blogs/%ff%fe", 404),
    Hostile("invalid UTF-8 as an id, a page", "GET", "/blog/%C0%AF", 404),
    Hostile("an id and a quote", "GET", f"/api/blogs/{BLOG}'", 404),
    Hostile("an id in capitals", "GET", "/api/blogs/" + "A" * 50, 404),
    Hostile("an id of 5000 characters", "GET", "/api/blogs/" + "a" * 5000, 404),
    Hostile("an address of 20000 characters", "GET", "/?x=" + "a" * 20000, (400, 414)),
    api(
        "SQL as the article commented",
        f"/api/blogs/{SQL}/comments",
        {"content": "hi"},
        404,
        who="reader",
    ),
    form("SQL as the article of a form", f"/blog/{SQL}/comments", b"content=hi", 404, who="reader"),
    api("SQL as the article updated", f"/api/blogs/{SQL}", ARTICLE, 404, who="admin"),
    Hostile("SQL as the article deleted", "POST", f"/api/blogs/{BLOG}%27--/delete", 404, "admin"),
    Hostile(
        "SQL as the comment deleted",
        "POST",
        "/api/comments/%27%3B%20DROP%20TABLE%20comments%3B--/delete",
        404,
        "admin",
    ),
    Hostile("SQL as the article edited", "GET", f"/manage/blogs/edit?id={SQL}", 404, "admin"),
    Hostile(
        "invalid UTF-8 as the id edited",
        "GET",
        "/manage/blogs/edit?id=%ff",
        400,
        "admin",
        field="id",
    ),
    # A script's Accept: the 400 comes as JSON, naming what is missing.
    Hostile(
        "no id to edit",
        "GET",
        "/manage/blogs/edit",
        400,
        "admin",
        headers=SCRIPT_ACCEPT,
        field="id",
    ),
    Hostile(
        "two ids to edit",
        "GET",
        f"/manage/blogs/edit?id={BLOG}&id={BLOG}",
        400,
        "admin",
        field="id",
    ),
    # Absurd page numbers: a 400 naming page; a page after the last: a 404.
    *(Hostile(f"page={page}", "GET", f"/?page={page}", 400, field="page") for page in PAGES),
    *(
        Hostile(f"API page={p}", "GET", f"/api/blogs?page={p}", 400, field="page")
        for p in PAGES
        if p not in VALIDATED_PAGES
    ),
    Hostile(
        "a script as the page", "GET", "/?page=%3Cscript%3Ealert(1)%3C/script%3E", 400, field="page"
    ),
    Hostile("invalid UTF-8 as the page", "GET", "/api/blogs?page=%ff", 400, field="page"),
    Hostile("page given twice", "GET", "/api/blogs?page=1&page=2", 400, field="page"),
    Hostile("page 2**63", "GET", f"/api/blogs?page={2**63}", 400, field="page"),
    Hostile("page 2**63 - 1", "GET", f"/api/blogs?page={2**63 - 1}", 404),
    Hostile("the page after the last", "GET", "/?page=2", 404),
    Hostile("comments, page 1e3", "GET", "/api/comments?page=1e3", 400, "admin", field="page"),
    Hostile("manage articles, NaN", "GET", "/manage/blogs?page=NaN", 400, "admin", field="page"),
    Hostile("manage comments, -1", "GET", "/manage/comments?page=-1", 400, "admin", field="page"),
    Hostile(
        "manage users, 10**30", "GET", f"/manage/users?page={10**30}", 400, "admin", field="page"
    ),
    Hostile("manage users, 2**63 - 1", "GET", f"/manage/users?page={2**63 - 1}", 404, "admin"),
    # Path traversal against /static: nothing outside static/ is ever served.
    *(
        Hostile(f"traversal {path}", "GET", path, (400, 403, 404))
        for path in [
            "/static/../config.py",
            "/static/../day06_final/config.py",
            "/static/../../day06_final/config.py",
            "/static/css/../../config.py",
            "/static/%2e%2e/config.py",
            "/static/%2E%2E%2Fconfig.py",
            "/static/..%2fconfig.py",
            "/static/%252e%252e/config.py",
            "/static/..%5cconfig.py",
            "/static/....//config.py",
            "/static/../instance/secret_key",
            "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            "/static//etc/passwd",
            "/static/img/avatar.svg%00.py",
            "/static/",
            "/static/no-such-file.css",
        ]
    ),
]

# The bad cookies: each makes its bearer a visitor, nothing more (see test_security.forged_cookies).
COOKIES = ["garbage", "tampered user id", "another secret", "expired", "unsigned", "junk id"]
COOKIES += ["non-ASCII", "SQL", "4 KB long"]
CROSS_SITE = (("Sec-Fetch-Site", "cross-site"),)
SAME_SITE = (("Sec-Fetch-Site", "same-site"),)
NULL_ORIGIN, EVIL_ORIGIN = (("Origin", "null"),), (("Origin", EVIL),)
PEOPLE = [
    # Bad cookies: ignored, so the bearer is a visitor (401 on the API).
    *(Hostile(f"{c} cookie, list users", "GET", "/api/users", 401, cookie=c) for c in COOKIES),
    *(
        Hostile(
            f"{c} cookie, comment",
            "POST",
            COMMENTS,
            401,
            body=b'{"content": "hi"}',
            content_type=JSON,
            cookie=c,
        )
        for c in COOKIES
    ),
    Hostile("a cookie of 10 KB", "GET", "/", (400, 431), cookie="10 KB long"),
    # Who may do what: test_permissions tries every route; here, the reader's own comment.
    Hostile("a reader deletes a comment", "POST", f"/api/comments/{COMMENT}/delete", 403, "reader"),
    # Methods the routes do not answer.
    Hostile("PUT an article", "PUT", "/api/blogs", 405, "admin", as_json(ARTICLE), JSON),
    Hostile("DELETE an article", "DELETE", f"/api/blogs/{BLOG}", 405, "admin"),
    Hostile("PATCH the users", "PATCH", "/api/users", 405, "admin", b"{}", JSON),
    Hostile("GET a delete", "GET", f"/api/blogs/{BLOG}/delete", 405, "admin"),
    Hostile("GET the sign-in API", "GET", "/api/authenticate", 405),
    Hostile("HEAD the sign-in API", "HEAD", "/api/authenticate", 405),
    Hostile("POST the home page", "POST", "/", 405, "admin", b"page=1", FORM),
    Hostile("POST the feed", "POST", "/feed.xml", 405),
    Hostile("PROPFIND", "PROPFIND", "/", 405),
    Hostile("TRACE", "TRACE", "/", 405),
    Hostile("OPTIONS", "OPTIONS", "/api/blogs", 405),
    # Methods HTTP does not know: the server's parser may refuse them before routing.
    Hostile("BREW, a made-up method", "BREW", "/api/blogs", (400, 405)),
    Hostile("DELETE a static file", "DELETE", "/static/css/blog.css", 405, "admin"),
    Hostile(
        "DELETE a comment, no such address", "DELETE", f"/api/comments/{COMMENT}", 404, "admin"
    ),
    # Cross-site posts, each by someone who may otherwise do it.
    cross_site("cross-site comment", COMMENTS, "reader", CROSS_SITE, as_json({"content": "x"})),
    cross_site(
        "cross-site comment form",
        f"/blog/{BLOG}/comments",
        "reader",
        EVIL_ORIGIN,
        b"content=x",
        FORM,
    ),
    cross_site("same-site article", "/api/blogs", "admin", SAME_SITE, as_json(ARTICLE)),
    cross_site("cross-site article delete", f"/api/blogs/{BLOG}/delete", "admin", CROSS_SITE),
    cross_site(
        "null-origin comment delete", f"/api/comments/{COMMENT}/delete", "admin", NULL_ORIGIN
    ),
    cross_site(
        "cross-site publish form",
        "/manage/blogs/create",
        "admin",
        CROSS_SITE,
        b"name=n&summary=s&content=c",
        FORM,
    ),
    cross_site(
        "cross-site edit form",
        f"/manage/blogs/edit?id={BLOG}",
        "admin",
        EVIL_ORIGIN,
        b"name=n&summary=s&content=c",
        FORM,
    ),
    cross_site("cross-site registration", "/api/users", "visitor", CROSS_SITE, as_json(USER)),
    cross_site(
        "cross-site registration form", "/register", "visitor", EVIL_ORIGIN, b"name=n", FORM
    ),
    cross_site(
        "cross-site sign-in form",
        "/signin",
        "visitor",
        NULL_ORIGIN,
        b"email=a%40b.c&password=x",
        FORM,
    ),
    cross_site(
        "cross-site preview", "/api/markdown/preview", "admin", CROSS_SITE, as_json({"text": "x"})
    ),
]

# --- sending the corpus -------------------------------------------------------------------


@dataclasses.dataclass
class Site:
    """The blog under attack: its people, one article with one comment, and bad cookies."""

    client: TestClient
    auth: Auth
    admin: dict
    reader: dict
    blog: dict
    comment: dict
    cookies: dict[str, str]

    def be(self, who: str) -> None:
        """Carry the session of ``who``: "visitor", "reader" or "admin"."""
        if who == "visitor":
            self.auth.sign_out()
        else:
            self.auth.sign_in_as(getattr(self, who))


@pytest.fixture
async def site(client, auth, save_blog, save_comment) -> Site:
    """An administrator, a reader, an article with a comment: what the corpus attacks."""
    admin = await auth.make_user("Ann Admin", admin=True, email="admin@example.com")
    reader = await auth.make_user("Rui Reader", email="reader@example.com")
    blog = await save_blog(admin)
    comment = await save_comment(blog, reader)
    return Site(client, auth, admin, reader, blog, comment, forged_cookies(auth, reader, admin))


async def send(site: Site, entry: Hostile) -> tuple[int, str, bytes]:
    """Send ``entry`` as it is written: (status, content type, body)."""
    client = site.client
    path = entry.path.replace(BLOG, site.blog.id).replace(COMMENT, site.comment.id)
    # encoded=True: the path goes out as written, "../" and "%2e" included.
    url = yarl.URL(f"http://{client.host}:{client.port}{path}", encoded=True)
    headers = dict(entry.headers)
    if entry.content_type:
        headers["Content-Type"] = entry.content_type
    if entry.cookie:
        headers["Cookie"] = f"{site.auth.sessions.COOKIE_NAME}={site.cookies[entry.cookie]}"
    site.be(entry.who)
    request = client.session.request(
        entry.method,
        url,
        data=entry.body,
        headers=headers,
        chunked=entry.chunked or None,
        allow_redirects=False,
    )
    async with request as response:
        return response.status, response.content_type, await response.read()


def judge(entry: Hostile, status: int, content_type: str, body: bytes) -> list[str]:
    """What is wrong with the answer to ``entry``: nothing, if it was refused as it must be."""
    problems = []
    if status not in entry.wanted:
        problems.append(f"answered {status}, not {' or '.join(map(str, entry.wanted))}")
    elif entry.field is not None and status == 400:
        if content_type == JSON:
            named = json.loads(body).get("data")
            if named != entry.field:
                problems.append(f"the 400 names {named!r}, not {entry.field!r}")
        elif entry.field and f"{entry.field}: ".encode() not in body:
            problems.append(f"the 400 page does not name {entry.field!r}")
    if content_type == "text/html" and SCRIPT.encode() in body:
        problems.append("the page shows the script unescaped")
    problems += [f"the answer contains {leak!r}" for leak in LEAKS if leak in body]
    return problems


async def send_corpus(site: Site, rows, entries: list[Hostile]) -> list[str]:
    """Send every entry; a line for each one answered wrongly, or after which a row changed."""
    offenders = []
    counted = await rows()
    for entry in entries:
        try:
            async with asyncio.timeout(QUICK):
                problems = judge(entry, *await send(site, entry))
        except aiohttp.ClientError as exc:
            problems = [f"no answer: {exc!r}"]
        except TimeoutError:
            problems = [f"no answer within {QUICK} s"]
        now = await rows()
        if now != counted:
            problems.append(f"rows went from {counted} to {now}")
            counted = now
        if problems:
            shown = entry.path if len(entry.path) < 80 else entry.path[:77] + "..."
            offenders.append(
                f"{entry.what} ({entry.method} {shown} as {entry.who}): {'; '.join(problems)}"
            )
    site.be("visitor")
    return offenders


async def assert_unharmed_and_healthy(site: Site, models) -> None:
    """The article, the comment and the people as they were; the blog still serves and writes."""
    assert await models.Blog.find(site.blog.id) == site.blog
    assert await models.Comment.find(site.comment.id) == site.comment
    assert await models.User.find(site.admin.id) == site.admin
    assert await models.User.find(site.reader.id) == site.reader
    client = site.client
    assert (await client.get("/")).status == 200
    listing = await client.get("/api/blogs")
    assert listing.status == 200
    assert [blog["id"] for blog in (await listing.json())["blogs"]] == [site.blog.id]
    # A valid comment still works, and hostile text in it is stored as it is and shown as text.
    site.be("reader")
    text = f"'); DROP TABLE comments; -- {SCRIPT}"
    response = await client.post(f"/api/blogs/{site.blog.id}/comments", json={"content": text})
    assert response.status == 200, await response.text()
    assert (await models.Comment.find((await response.json())["id"])).content == text
    page = await (await client.get(f"/blog/{site.blog.id}")).text()
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    site.be("visitor")


def report(offenders: list[str], entries: list[Hostile]) -> str:
    return f"{len(offenders)} of {len(entries)} hostile requests misbehaved:\n" + "\n".join(
        offenders
    )


limited_bodies = pytest.mark.parametrize(
    "settings", [{"max_body_size": BODY_LIMIT}], ids=["max_body_size=256KiB"]
)


@limited_bodies
@pytest.mark.parametrize(
    "corpus",
    [
        pytest.param(BODIES, id="malformed, mistyped and oversized bodies"),
        pytest.param(ADDRESSES, id="hostile ids, page numbers and static paths"),
        pytest.param(PEOPLE, id="bad cookies, wrong people, methods and cross-site posts"),
    ],
)
async def test_hostile_requests_are_refused_and_write_nothing(site, rows, models, corpus):
    offenders = await send_corpus(site, rows, corpus)
    assert not offenders, report(offenders, corpus)
    await assert_unharmed_and_healthy(site, models)


# --- the database goes away under writes ----------------------------------------------------

WRITERS = 4


def stored_comments(mysql_server, db_url) -> list[dict]:
    """Every comment row, read straight from MariaDB, past the blog and its ORM."""
    database = urlsplit(db_url).path.lstrip("/")
    columns = ("content", "blog_id", "user_id", "user_name", "user_image")
    rows = mysql_server.execute(f"SELECT {', '.join(columns)} FROM `{database}`.comments")
    return [dict(zip(columns, row, strict=True)) for row in rows]


def cookie_header(auth, user) -> dict[str, str]:
    """Headers that carry ``user``'s session cookie, for a request outside the cookie jar."""
    return {"Cookie": f"{auth.sessions.COOKIE_NAME}={auth.cookie_for(user)}"}


def torn(stored: list[dict], blog, reader) -> list[dict]:
    """The stored comments that are not whole: a column missing or not what was sent."""
    whole = {"blog_id": blog.id, "user_id": reader.id, "user_name": reader.name}
    whole["user_image"] = reader.image
    return [row for row in stored if any(row[key] != value for key, value in whole.items())]


@dataclasses.dataclass
class Outcome:
    text: str
    status: int | None  # None: no answer within QUICK seconds
    began: str  # what the database was doing when the request was sent
    ended: str  # ... and when its answer came


@pytest.mark.mysql
@pytest.mark.parametrize("db_url", ["mysql"], indirect=True)
async def test_a_database_cut_under_writes_loses_no_acknowledged_comment_and_recovers(
    relayed, save_blog, mysql_server, db_url
):
    relay, client, auth = relayed
    blog = await save_blog(await auth.make_user(admin=True))
    reader = await auth.make_user()
    cookie = cookie_header(auth, reader)
    state, outcomes, stop = "up", [], asyncio.Event()

    async def writer(n: int) -> None:
        for k in itertools.count():
            if stop.is_set():
                return
            text, began, status = f"writer {n}, comment {k}", state, None
            try:
                async with asyncio.timeout(QUICK):
                    comment = {"content": text}
                    url = f"/api/blogs/{blog.id}/comments"
                    async with client.post(url, json=comment, headers=cookie) as response:
                        await response.read()
                        status = response.status
            except TimeoutError:
                pass
            outcomes.append(Outcome(text, status, began, state))
            if status != 200:
                await asyncio.sleep(0.02)  # refused: try again soon, as a person would

    writers = [asyncio.create_task(writer(n)) for n in range(WRITERS)]
    await asyncio.sleep(0.5)
    state = "cutting"
    await relay.cut()
    state = "cut"
    await asyncio.sleep(1.0)
    state = "restoring"
    await relay.start()  # the database is back, on the same address
    state = "back"
    await asyncio.sleep(0.7)
    stop.set()
    await asyncio.gather(*writers)

    hung = [o.text for o in outcomes if o.status is None]
    assert hung == [], f"no answer within {QUICK} s"
    assert {o.status for o in outcomes} <= {200, 503}, Counter(o.status for o in outcomes)
    while_cut = [o for o in outcomes if o.began == o.ended == "cut"]
    assert len(while_cut) >= WRITERS  # the cut was felt
    assert {o.status for o in while_cut} == {503}
    # Back on its own: once the database listens again, every comment is taken.
    after = [o for o in outcomes if o.began == "back"]
    assert after and {o.status for o in after} == {200}, Counter(o.status for o in after)
    assert (await client.get("/")).status == 200

    stored = stored_comments(mysql_server, db_url)
    contents = Counter(row["content"] for row in stored)
    acknowledged = {o.text for o in outcomes if o.status == 200}
    assert acknowledged - contents.keys() == set(), "acknowledged but lost"
    assert [text for text, n in contents.items() if n > 1] == [], "stored twice"
    assert contents.keys() <= {o.text for o in outcomes}
    assert torn(stored, blog, reader) == []
    # Sent and refused while the database was away: it cannot have reached it. (A comment
    # refused as the cut began may be stored, whole: its INSERT can land just before the
    # answer is lost. No client can tell those apart, which is why it is refused.)
    assert {o.text for o in while_cut} & contents.keys() == set()


@pytest.mark.mysql
@pytest.mark.parametrize("db_url", ["mysql"], indirect=True)
@pytest.mark.parametrize("settings", [{"db_timeout": 0.5}], ids=["db_timeout=0.5"])
async def test_a_stalled_database_is_a_503_within_its_timeout_and_recovers_on_resume(
    relayed, save_blog, mysql_server, db_url, config
):
    relay, client, auth = relayed
    blog = await save_blog(await auth.make_user(admin=True))
    reader = await auth.make_user()
    cookie = cookie_header(auth, reader)
    comments = f"/api/blogs/{blog.id}/comments"
    assert (await client.get("/")).status == 200
    relay.stall()  # a pulled cable: connections stay open and nothing answers
    try:
        # The database's timeout, plus a margin for the rest of the request.
        async with asyncio.timeout(config.db_timeout + 2):
            answers = await asyncio.gather(
                client.get("/"),
                client.get(f"/api/blogs/{blog.id}"),
                client.post(comments, json={"content": "sent while stalled"}, headers=cookie),
            )
    finally:
        relay.resume()
    assert [answer.status for answer in answers] == [503, 503, 503]
    assert (await answers[1].json())["error"] == "database:unavailable"
    # What was held went through at last; every answer now is the right one, not a late one.
    assert (await client.get("/")).status == 200
    answer = await client.get(f"/api/blogs/{blog.id}")
    assert answer.status == 200 and (await answer.json())["id"] == blog.id
    answer = await client.post(comments, json={"content": "after the stall"}, headers=cookie)
    assert answer.status == 200
    stored = stored_comments(mysql_server, db_url)
    contents = Counter(row["content"] for row in stored)
    assert contents["after the stall"] == 1 and contents["sent while stalled"] <= 1
    assert torn(stored, blog, reader) == []


# --- a short mixed load -----------------------------------------------------------------------

LOAD_SECONDS = 1.5
READS = ["/", "/?page=1", "/blog/{blog}", "/api/blogs", "/api/blogs/{blog}", "/feed.xml"]


async def test_a_short_mixed_load_gives_no_5xx_and_loses_no_comment(
    client, auth, save_blog, models
):
    blog = await save_blog(await auth.make_user(admin=True))
    reader = await auth.make_user(email="reader@example.com")
    cookie = cookie_header(auth, reader)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LOAD_SECONDS
    wrong: list[str] = []  # each request answered otherwise than it must be
    statuses: Counter = Counter()
    acknowledged: list[str] = []

    async def ask(session, method, path, want, **kwargs) -> int | None:
        status = None
        try:
            async with asyncio.timeout(QUICK):
                async with session.request(method, path, **kwargs) as response:
                    await response.read()
                    status = response.status
        except TimeoutError:
            pass
        statuses[status] += 1
        if status != want:
            wrong.append(f"{method} {path}: {status or 'no answer'}, not {want}")
        return status

    async def reading(session, n):
        for path in itertools.cycle(READS[n:] + READS[:n]):
            if loop.time() > deadline:
                return
            await ask(session, "GET", path.format(blog=blog.id), 200)

    async def signing_in(session):
        for right in itertools.cycle([True, False]):
            if loop.time() > deadline:
                return
            password = PASSWORD if right else "not the password"
            body = {"email": "reader@example.com", "password": password}
            await ask(session, "POST", "/api/authenticate", 200 if right else 401, json=body)

    async def commenting(session, n):
        for k in itertools.count():
            if loop.time() > deadline:
                return
            text = f"load {n}.{k}"
            path = f"/api/blogs/{blog.id}/comments"
            if await ask(session, "POST", path, 200, json={"content": text}, headers=cookie) == 200:
                acknowledged.append(text)

    # A session of its own that keeps no cookies: each actor says who it is in each request.
    base = client.make_url("/")
    async with aiohttp.ClientSession(base, cookie_jar=aiohttp.DummyCookieJar()) as session:
        await asyncio.gather(
            *(reading(session, n) for n in range(3)),
            signing_in(session),
            *(commenting(session, n) for n in range(2)),
        )
    assert not [status for status in statuses if status and status >= 500], statuses
    assert wrong == [], f"{len(wrong)} of {statuses.total()} answered wrongly: {wrong[:20]}"
    stored = Counter(comment.content for comment in await models.Comment.findAll())
    assert acknowledged and set(acknowledged) == stored.keys()
    assert max(stored.values()) == 1
