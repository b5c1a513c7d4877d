"""Accounts: registering, signing in, changing a password, ending sessions, disabling an
account and making an administrator, with the rules in one place.

The JSON API, the HTML forms and ``python -m day06_final create-admin`` all come here. Notice
how signing in gives nothing away: an unknown email and a wrong password get the same error,
after the same work (a password hash is checked either way) and the same pause; and that every
way of ending sessions raises ``session_generation`` (in ``account_states``) in one
statement, never a read-then-write.
"""

import asyncio
import os

from . import passwords, throttle
from .apis import APIAuthenticationError, APIPermissionError, APIValueError
from .auth import account_state
from .models import AccountState, User
from .orm import IntegrityError, execute
from .posts import find
from .validation import PASSWORD_CHANGE, REGISTRATION, SIGN_IN, clean, skeleton

# Every user's picture: a file of this site, so no page asks another host for anything
# (a picture service would learn who reads what).
DEFAULT_IMAGE = "/static/img/avatar.svg"
SIGN_IN_FAILED = "Wrong email or password."
DISABLED = "This account has been disabled by the blog's administrator."
# Names no reader may take, however written: with the administrators' own names, they are
# compared by skeleton (validation.skeleton), so "Ａdmіn" is "admin".
RESERVED_NAMES = ("admin", "administrator")


def _unmatchable_hash() -> str:
    """A hash in today's format made of random bytes: checking it costs a real check's time."""
    return passwords.encode(os.urandom(passwords.SALT_BYTES), os.urandom(passwords.HASH_BYTES))


# Checked in place of a real hash when no user has the email, so that scrypt runs all the same
# and the answer takes as long as for a wrong password. No password matches random bytes.
NO_SUCH_USER = _unmatchable_hash()


def public(user: User) -> dict:
    """What the API says about a user to the user themself: no password hash, no email."""
    return {key: value for key, value in user.items() if key not in ("passwd", "email")}


def for_admins(user: User, state: AccountState | None = None) -> dict:
    """What an administrator sees of a user: everything but the password hash, and whether
    the account is disabled."""
    shown = {key: value for key, value in user.items() if key != "passwd"}
    return {**shown, "disabled": bool(state and state.disabled)}


async def disabled_among(users: list[User]) -> set[str]:
    """The ids of the disabled accounts among ``users`` (one query)."""
    if not users:
        return set()
    marks = ", ".join("?" for _ in users)
    where, args = f"disabled = ? AND user_id IN ({marks})", [True, *(u.id for u in users)]
    return {state.user_id for state in await AccountState.findAll(where, args)}


async def find_by_email(email: str) -> User | None:
    """The user with exactly this (canonical) email, or None.

    Compared in Python too: a database whose collation ignores accents (MariaDB's default)
    would find admin@example.com for "ádmin@example.com".
    """
    found = await User.findAll("email = ?", [email], limit=1)
    return found[0] if found and found[0].email == email else None


async def refuse_an_administrator_look_alike(name: str) -> None:
    """A 400 if ``name`` looks like "admin" or like an administrator's name."""
    admins = await User.findAll("admin = ?", [True], columns=("name",))
    taken = {skeleton(reserved) for reserved in RESERVED_NAMES}
    taken.update(skeleton(admin.name) for admin in admins)
    if skeleton(name) in taken:
        raise APIValueError("name", "name: looks like an administrator's name; choose another")


async def register(values: dict) -> User:
    """A new reader from ``{name, email, password}``; a 400 naming the first bad field."""
    fields = clean(REGISTRATION, values)
    if await find_by_email(fields["email"]):
        raise APIValueError("email", "email: already registered; sign in instead")
    await refuse_an_administrator_look_alike(fields["name"])
    user = User(
        name=fields["name"],
        email=fields["email"],
        passwd=await passwords.hash_password(fields["password"]),
        image=DEFAULT_IMAGE,
        admin=False,
    )
    try:
        await user.save()
    except IntegrityError:  # the same email, registered a moment ago by another request
        raise APIValueError("email", "email: already registered; sign in instead") from None
    return user


async def authenticate(values: dict, failure_delay: float, address: str) -> User:
    """The user whose ``{email, password}`` these are, or a 401 after ``failure_delay`` seconds.

    ``address`` is the client's: with the email, it is what throttle.py counts failures by.
    """
    fields = clean(SIGN_IN, values)
    async with throttle.sign_in_attempt(fields["email"], address):
        user = await find_by_email(fields["email"])
        # No user, or one who cannot sign in (seed.py's demo people have no hash): check the
        # stand-in all the same, so the answer takes as long as for a wrong password.
        stored = user.passwd if user is not None and user.passwd else NO_SUCH_USER
        if not await passwords.verify_password(fields["password"], stored):
            # Each guess waits this long; the throttle limits how many guesses there are.
            await asyncio.sleep(failure_delay)
            raise APIAuthenticationError(SIGN_IN_FAILED, "auth:failed")
    if (await account_state(user.id)).disabled:  # said only to whoever knows the password
        raise APIPermissionError(DISABLED)
    if passwords.needs_rehash(user.passwd):
        # The cost was raised since this hash was made: the password is at hand, redo it.
        user.passwd = await passwords.hash_password(fields["password"])
        await user.update()
    return user


async def end_sessions(user_id: str, **changes) -> AccountState:
    """End every session of the user, wherever its cookie is; save ``changes`` to the state.

    Signing out and disabling the account come here: one statement raises the generation that
    every session cookie of the user was signed with (sessions.py), or a first row starts at 1.
    """
    try:
        await AccountState(user_id=user_id, session_generation=1, **changes).save()
    except IntegrityError:  # the row is there (perhaps since a moment ago): raise it in place
        assignments = "".join(f"{column} = ?, " for column in changes)
        table = AccountState.__table__
        sql = f"UPDATE {table} SET {assignments}session_generation = session_generation + 1"
        await execute(f"{sql} WHERE user_id = ?", [*changes.values(), user_id])
    return await account_state(user_id)


async def change_password(user: User, values: dict, address: str) -> User:
    """Give ``user`` the new password of ``{current, password}``; their other sessions end.

    The current password is checked as a sign-in is, and throttled with them: a stolen cookie
    alone does not let anyone take the account over. The caller signs this browser in again.
    """
    fields = clean(PASSWORD_CHANGE, values)
    async with throttle.sign_in_attempt(user.email, address):
        if not await passwords.verify_password(fields["current"], user.passwd):
            raise APIValueError("current", "current: that is not your current password")
    # A new hash gives every older session cookie a fingerprint that no longer matches.
    user.passwd = await passwords.hash_password(fields["password"])
    await execute("UPDATE users SET passwd = ? WHERE id = ?", [user.passwd, user.id])
    return user


async def set_disabled(admin: User, user_id: str, disabled: bool) -> dict:
    """Disable (or enable again) an account, and end its sessions: what admins see of it."""
    user = await find(User, user_id, "user")
    if user.id == admin.id:
        raise APIValueError("id", "id: an administrator cannot disable their own account")
    return for_admins(user, await end_sessions(user.id, disabled=disabled))


async def create_admin(values: dict) -> tuple[User, bool]:
    """Make ``{email, name, password}`` an administrator: ``(user, True)`` if newly created.

    An existing user with that email is promoted and gets the new password (which signs them
    out everywhere); their name stays as it is, since their articles and comments carry it.
    """
    fields = clean(REGISTRATION, values)
    passwd = await passwords.hash_password(fields["password"])
    user = await find_by_email(fields["email"])
    if user is not None:
        user.admin, user.passwd = True, passwd
        await user.update()
        return user, False
    user = User(
        name=fields["name"], email=fields["email"], passwd=passwd, image=DEFAULT_IMAGE, admin=True
    )
    await user.save()
    return user, True
