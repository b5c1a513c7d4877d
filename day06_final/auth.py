"""Who is asking, and may they: the session cookie read on every request, the rules enforced.

``@signed_in`` and ``@admin_only`` label a handler, as ``@get`` labels it with its route; the
``auth`` middleware reads the label (``access_of``) and refuses before the handler runs.
Notice that the rule lives on the server, next to the handler: a hidden link or button is a
convenience for the reader, never a lock.
"""

from aiohttp import web

from .apis import APIAuthenticationError, APIPermissionError, APIValueError, is_api_request
from .config import CONFIG
from .models import AccountState, User
from .sessions import COOKIE_NAME, read_session, start_session
from .tracing import SECRET_NAMES, record

# The signed-in user, for handlers and templates; absent for a visitor.
USER = web.RequestKey("user", User)
# Who may call a handler: its ``access`` attribute, set by the labels below; unlabelled, anyone.
ANYONE, SIGNED_IN, ADMIN = "anyone", "signed in", "admin"


def signed_in(fn):
    """Label a handler for signed-in users only."""
    fn.access = SIGNED_IN
    return fn


def admin_only(fn):
    """Label a handler for administrators only."""
    fn.access = ADMIN
    return fn


def access_of(handler) -> str:
    """Who may call ``handler``: ANYONE, SIGNED_IN or ADMIN.

    coroweb registers a labelled function wrapped with ``functools.wraps``, which copies its
    attributes, so the route's handler carries the label too.
    """
    return getattr(handler, "access", ANYONE)


async def account_state(user_id: str) -> AccountState:
    """The account's state: its row, or the state of an account nobody touched."""
    untouched = AccountState(user_id=user_id, session_generation=0, disabled=False)
    return await AccountState.find(user_id) or untouched


async def sign_in(response: web.StreamResponse, request: web.Request, user: User) -> None:
    """Sign ``user`` in: ``response`` sets a session cookie of their current generation."""
    generation = (await account_state(user.id)).session_generation
    config = request.app[CONFIG]
    start_session(response, request, user.id, user.passwd, config, generation=generation)


async def session_user(request: web.Request) -> User | None:
    """The user the session cookie names, if it is valid, unexpired, not ended and enabled."""
    secret = request.app[CONFIG].secret
    session = read_session(request.cookies.get(COOKIE_NAME), secret)
    if session is None:
        return None
    user = await User.find(session.user_id)
    if user is None:
        return None
    state = await account_state(user.id)
    # After a sign-out or a password change the fingerprint differs: older sessions end here.
    if state.disabled or not session.matches(user.passwd, secret, state.session_generation):
        return None
    return user


@web.middleware
async def auth(request: web.Request, handler) -> web.StreamResponse:
    """Put the signed-in user in ``request[USER]``; refuse what the handler's label forbids."""
    if request.path.startswith("/static/"):  # files: no need to ask the database who it is
        return await handler(request)
    access = access_of(request.match_info.handler)
    record(request, 3, "auth", f"reads the session cookie; who may call the route: {access}")
    for name in SECRET_NAMES.intersection(request.query):
        # A URL is written to access logs (here, in any proxy) and kept in browser histories.
        raise APIValueError(name, f"{name}: send it in the request's body, never in its URL")
    user = await session_user(request)
    if user is not None:
        request[USER] = user
    if access != ANYONE and user is None:
        if is_api_request(request):
            raise APIAuthenticationError("sign in first")
        raise web.HTTPFound("/signin")
    if access == ADMIN and not user.admin:
        raise APIPermissionError("Only an administrator may do this")
    return await handler(request)
