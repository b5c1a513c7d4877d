"""What every answer tells the browser: run nothing foreign, never be framed, keep nothing private.

The headers are the same whatever the database, so these checks run on SQLite. The browser
checks (test_browser.py) show the pages, the live preview included, work under the policy.
"""

import pytest

pytestmark = [pytest.mark.production, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]

# One of each kind of answer: a page, a form, a static file, an error page, JSON, a refusal.
ANSWERS = [
    ("GET", "/"),
    ("GET", "/signin"),
    ("GET", "/static/css/blog.css"),
    ("GET", "/no/such/page"),
    ("GET", "/api/blogs"),
    ("GET", "/feed.xml"),
    ("DELETE", "/"),
]


def directives(policy: str) -> dict[str, str]:
    """A Content-Security-Policy as {directive: its sources}."""
    pairs = (part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return {name: sources for name, sources in pairs}


@pytest.mark.parametrize(("method", "path"), ANSWERS)
async def test_every_answer_forbids_framing_sniffing_and_scripts_from_elsewhere(
    client, method, path
):
    response = await client.request(method, path)
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == "'self'"
    # No 'unsafe-inline': a script or style that slipped into a page would not run.
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(("method", "path"), ANSWERS)
async def test_no_answer_says_which_server_and_version_runs_the_blog(client, method, path):
    response = await client.request(method, path)
    server = response.headers.get("Server", "")
    assert "aiohttp" not in server.lower()
    assert "python" not in server.lower()
    assert not any(character.isdigit() for character in server)


@pytest.mark.parametrize("path", ["/", "/manage/blogs", "/manage/users", "/api/comments"])
async def test_a_page_seen_signed_in_is_never_stored_by_a_browser_or_cache(client, auth, path):
    await auth.as_admin()
    response = await client.get(path)
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"


async def test_the_answer_to_a_sign_in_is_never_stored(client, auth):
    user = await auth.make_user()
    response = await auth.sign_in(user.email)
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"


async def test_a_public_page_for_a_visitor_may_be_cached(client):
    response = await client.get("/")
    assert response.status == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
