"""sessions.py on its own: a cookie's signing, expiry and generation, with no server.

The cookie on the wire (its flags, sent back by a browser) is in test_sessions.py.
"""

import pytest

SECRET = "k" * 43
HOUR = 3600
NOW = 1_700_000_000.0


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


def test_a_session_signed_for_an_older_generation_no_longer_matches(sessions):
    cookie = sessions.sign_session("u1", "hash-1", SECRET, HOUR, generation=4, now=NOW)
    session = sessions.read_session(cookie, SECRET, now=NOW)
    assert session.matches("hash-1", SECRET, generation=4)
    # Raised by a sign-out, a new password or a disabled account: the cookie is over.
    assert not session.matches("hash-1", SECRET, generation=5)


def test_an_account_nobody_touched_is_generation_0(sessions, signed):
    session = sessions.read_session(signed, SECRET, now=NOW)
    assert session.matches("hash-1", SECRET, generation=0)
    assert not session.matches("hash-1", SECRET, generation=1)


def test_the_fingerprint_is_keyed_by_the_secret(sessions, signed):
    session = sessions.read_session(signed, SECRET, now=NOW)
    # Whoever knows a password hash but not the secret cannot make a fingerprint that matches.
    assert not session.matches("hash-1", "another-secret-" + "x" * 30)
