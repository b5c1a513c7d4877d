"""sessions.py: signed, expiring session cookies bound to the password hash."""

from http.cookies import SimpleCookie

import pytest
from aiohttp import web

SECRET = "k" * 43
HOUR = 3600
NOW = 1_700_000_000.0


@pytest.fixture
def sessions(workbook, day):
    """The day's sessions module."""
    return workbook.load(day, "sessions")


@pytest.fixture
def signed(sessions):
    """A session cookie value for user "u1" with password hash "hash-1", signed at NOW."""
    return sessions.sign_session("u1", "hash-1", SECRET, HOUR, now=NOW)


def test_a_signed_session_reads_back_as_its_user(sessions, signed):
    session = sessions.read_session(signed, SECRET, now=NOW + 1)
    assert session.user_id == "u1"
    assert session.expires == NOW + HOUR
    assert session.matches("hash-1", SECRET)


def test_the_cookie_does_not_carry_the_password_hash(sessions):
    passwd = "scrypt$n=16384,r=8,p=1$c2FsdA==$aGFzaA=="
    assert passwd not in sessions.sign_session("u1", passwd, SECRET, HOUR)


def test_changing_the_password_ends_older_sessions(sessions, signed):
    session = sessions.read_session(signed, SECRET, now=NOW)
    assert not session.matches("hash-2", SECRET)


def tampered(value: str, field: int, new: str) -> str:
    parts = value.split(".")
    parts[field] = new
    return ".".join(parts)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda v: tampered(v, 0, "admin"), id="another user id"),
        pytest.param(lambda v: tampered(v, 1, str(int(NOW) + 100 * HOUR)), id="a later expiry"),
        pytest.param(lambda v: tampered(v, 2, "0" * 16), id="another fingerprint"),
        pytest.param(lambda v: v[:-1] + ("0" if v[-1] != "0" else "1"), id="one signature digit"),
        pytest.param(lambda v: tampered(v, 3, ""), id="no signature"),
        pytest.param(lambda v: v.upper(), id="upper case"),
    ],
)
def test_a_tampered_cookie_is_ignored(sessions, signed, change):
    assert sessions.read_session(change(signed), SECRET, now=NOW) is None


def test_an_expired_session_is_ignored(sessions, signed):
    assert sessions.read_session(signed, SECRET, now=NOW + HOUR - 1) is not None
    assert sessions.read_session(signed, SECRET, now=NOW + HOUR) is None


def test_a_cookie_signed_with_another_secret_is_ignored(sessions, signed):
    assert sessions.read_session(signed, "another-secret-" + "x" * 30, now=NOW) is None


@pytest.mark.parametrize(
    "value",
    [None, "", "garbage", "...", "a.b.c.d", "u1.soon.f.sig", "é.1.ab.çé", "\x00", "." * 5000],
)
def test_garbage_is_ignored_without_an_error(sessions, value):
    assert sessions.read_session(value, SECRET, now=NOW) is None


# --- the cookie on the wire ----------------------------------------------------------------


@pytest.fixture
def settings(workbook, day):
    """Build a Config with the test secret and any overrides."""
    config = workbook.load(day, "config")
    return lambda **changes: config.Config(db_url="sqlite:///x.db", secret=SECRET, **changes)


@pytest.fixture
def serve(aiohttp_client, sessions):
    """A client for a tiny app: POST /signin starts a session, /me reads it, /signout ends it."""

    async def start(config, middlewares=()):
        async def signin(request):
            response = web.Response(text="signed in")
            sessions.start_session(response, request, "u1", "hash-1", config)
            return response

        async def me(request):
            session = sessions.read_session(request.cookies.get(sessions.COOKIE_NAME), SECRET)
            return web.Response(text=session.user_id if session else "nobody")

        async def signout(request):
            response = web.Response(text="signed out")
            sessions.end_session(response)
            return response

        app = web.Application(middlewares=list(middlewares))
        app.router.add_post("/signin", signin)
        app.router.add_get("/me", me)
        app.router.add_post("/signout", signout)
        return await aiohttp_client(app)

    return start


def cookie(response, name):
    jar = SimpleCookie()
    jar.load(response.headers["Set-Cookie"])
    return jar[name]


async def test_the_session_cookie_is_httponly_samesite_lax_for_the_whole_site(
    sessions, serve, settings
):
    client = await serve(settings(session_max_age=HOUR))
    response = await client.post("/signin")
    morsel = cookie(response, sessions.COOKIE_NAME)
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    assert morsel["path"] == "/"
    assert morsel["max-age"] == str(HOUR)
    # Served over plain HTTP, so not Secure: a Secure cookie would never come back.
    assert not morsel["secure"]


async def test_the_browser_sends_the_cookie_back_and_signing_out_drops_it(serve, settings):
    client = await serve(settings())
    await client.post("/signin")
    assert await (await client.get("/me")).text() == "u1"
    await client.post("/signout")
    assert await (await client.get("/me")).text() == "nobody"


async def test_the_cookie_is_secure_when_configured_always(sessions, serve, settings):
    client = await serve(settings(secure_cookie="always"))
    assert cookie(await client.post("/signin"), sessions.COOKIE_NAME)["secure"] is True


@pytest.mark.parametrize("trusted, secure", [(True, True), (False, False)])
async def test_the_cookie_is_secure_behind_an_https_proxy_only_when_it_is_trusted(
    workbook, day, sessions, serve, settings, trusted, secure
):
    proxy = workbook.load(day, "proxy")
    client = await serve(settings(), [proxy.forwarded_headers] if trusted else [])
    response = await client.post("/signin", headers={"X-Forwarded-Proto": "https"})
    assert bool(cookie(response, sessions.COOKIE_NAME)["secure"]) is secure
