"""Signed session cookies: the browser keeps who is signed in, the server checks the signature.

The cookie holds a user id, an expiry time and a fingerprint of the user's password hash and
session generation, signed with HMAC-SHA256 and the site's secret. Notice what that buys: no
one without the secret can forge or alter a cookie, and the server ends sessions by changing
what the fingerprint is made of, a number in the user's row (``users.session_generation``):
signing out raises it, which ends every session of that user, a copied cookie included, as
changing the password does. Any worker reading the row sees the same.
"""

import hashlib
import hmac
import time
from dataclasses import dataclass

from aiohttp import web

COOKIE_NAME = "awesession"


def _mac(secret: str, purpose: str, message: str) -> str:
    # The purpose keeps the secret's two uses apart: a fingerprint never passes as a signature.
    data = f"{purpose}\n{message}".encode()
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def password_fingerprint(passwd: str, secret: str, generation: int = 0) -> str:
    """A short keyed digest of a stored password hash and session generation: it changes when
    either does."""
    return _mac(secret, "password", f"{generation}\n{passwd}")[:16]


@dataclass(frozen=True)
class Session:
    """What a valid cookie says: whose session it is, until when, for which password hash."""

    user_id: str
    expires: int
    fingerprint: str

    def matches(self, passwd: str, secret: str, generation: int = 0) -> bool:
        """Whether the session was signed for this password hash and session generation
        (False once either changed: a new password, or sessions ended on the server)."""
        expected = password_fingerprint(passwd, secret, generation)
        return hmac.compare_digest(self.fingerprint, expected)


def sign_session(
    user_id: str,
    passwd: str,
    secret: str,
    max_age: int,
    *,
    generation: int = 0,
    now: float | None = None,
) -> str:
    """The cookie value for ``user_id``: ``id.expires.fingerprint.signature``."""
    expires = int((time.time() if now is None else now) + max_age)
    payload = f"{user_id}.{expires}.{password_fingerprint(passwd, secret, generation)}"
    return f"{payload}.{_mac(secret, 'session', payload)}"


def read_session(value: str | None, secret: str, *, now: float | None = None) -> Session | None:
    """The session in a cookie value; None if it is missing, garbled, tampered with or expired."""
    if not value:  # most requests, a visitor's: no cookie, nothing to check
        return None
    try:
        payload, signature = value.rsplit(".", 1)
        user_id, expires, fingerprint = payload.rsplit(".", 2)
        expires = int(expires)
    except (AttributeError, ValueError):
        return None
    # Bytes, because compare_digest refuses str with non-ASCII characters (cookies may have them).
    expected = _mac(secret, "session", payload).encode()
    if not hmac.compare_digest(signature.encode("utf-8", "replace"), expected):
        return None
    if expires <= (time.time() if now is None else now):
        return None
    return Session(user_id, expires, fingerprint)


def start_session(
    response: web.StreamResponse,
    request: web.Request,
    user_id: str,
    passwd: str,
    config,
    *,
    generation: int = 0,
) -> None:
    """Sign a user in: set the session cookie, as ``config`` (secret, max age, Secure) says."""
    value = sign_session(
        user_id, passwd, config.secret, config.session_max_age, generation=generation
    )
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=config.session_max_age,
        path="/",
        httponly=True,  # page scripts cannot read it, so an XSS bug cannot steal it
        samesite="Lax",  # other sites' forms and fetches do not carry it
        # Secure: sent over HTTPS only. request.secure is true behind a trusted HTTPS proxy too.
        secure=config.secure_cookie == "always" or request.secure,
    )


def end_session(response: web.StreamResponse) -> None:
    """Tell the browser to drop the session cookie (accounts.end_sessions ends it for good)."""
    response.del_cookie(COOKIE_NAME, path="/", httponly=True, samesite="Lax")
