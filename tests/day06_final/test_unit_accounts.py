"""accounts.py on its own: registering, signing in, changing a password, ending sessions,
disabling an account and making an administrator, on an in-memory database with no server.
"""

import pytest

from tests.day06_final.conftest import PASSWORD, TEST_SECRET, day_module

pytestmark = pytest.mark.usefixtures("memory_database")

NEW_PASSWORD = "a brand new passphrase"
ADDRESS = "192.0.2.1"  # the client's address, which sign-ins are throttled by


accounts = day_module("accounts")


@pytest.fixture
def sign_in(accounts):
    """``await sign_in(email, password=PASSWORD)``: ``accounts.authenticate``, without a pause."""

    def sign_in(email, password=PASSWORD):
        return accounts.authenticate({"email": email, "password": password}, 0, ADDRESS)

    return sign_in


@pytest.fixture
def cookie_for(sessions):
    """``cookie_for(user, generation=0)``: the session cookie signing in would set now."""

    def cookie_for(user, generation=0) -> str:
        return sessions.sign_session(user.id, user.passwd, TEST_SECRET, 3600, generation=generation)

    return cookie_for


@pytest.fixture
def still_signed_in(workbook, day, sessions):
    """``await still_signed_in(cookie, user)``: whether the cookie still signs ``user`` in."""
    auth = workbook.load(day, "auth")

    async def still_signed_in(cookie: str, user) -> bool:
        generation = (await auth.account_state(user.id)).session_generation
        session = sessions.read_session(cookie, TEST_SECRET)
        return session.matches(user.passwd, TEST_SECRET, generation)

    return still_signed_in


# --- registering ---------------------------------------------------------------------------


async def test_registering_saves_a_reader_with_a_salted_hash_and_the_canonical_email(
    accounts, passwords, models
):
    values = {"name": " Ann ", "email": "ANN@Example.com", "password": PASSWORD}
    user = await accounts.register(values)
    assert (user.name, user.email, user.admin) == ("Ann", "ann@example.com", False)
    assert user.image == accounts.DEFAULT_IMAGE
    assert user.passwd != PASSWORD and await passwords.verify_password(PASSWORD, user.passwd)
    assert await models.User.find(user.id) == user


@pytest.mark.parametrize("again", ["ann@example.com", "ANN@example.com", "ＡＮＮ@example.com"])
async def test_registering_an_email_twice_is_refused_naming_the_email(
    accounts, apis, models, again
):
    await accounts.register({"name": "Ann", "email": "ann@example.com", "password": PASSWORD})
    with pytest.raises(apis.APIValueError) as caught:
        await accounts.register({"name": "Bob", "email": again, "password": PASSWORD})
    assert caught.value.message == "email: already registered; sign in instead"
    assert await models.User.findNumber("count(*)") == 1


@pytest.mark.parametrize(
    "name", ["admin", "Ａｄｍｉｎ", "Administrator", "grace hopper", "Grace Hоpper"]
)
async def test_a_name_like_admin_or_an_administrator_s_is_refused(accounts, apis, make_user, name):
    await make_user("Grace Hopper", admin=True)
    with pytest.raises(apis.APIValueError) as caught:
        await accounts.register({"name": name, "email": "m@example.com", "password": PASSWORD})
    assert caught.value.message == "name: looks like an administrator's name; choose another"


async def test_a_bad_field_saves_nobody(accounts, apis, models):
    with pytest.raises(apis.APIValueError) as caught:
        await accounts.register({"name": "Ann", "email": "ann@example.com", "password": "short"})
    assert caught.value.data == "password"
    assert await models.User.findNumber("count(*)") == 0


def test_what_a_user_is_shown_of_themself_has_no_hash_and_no_email(accounts, models):
    user = models.User(id="u1", name="Ann", email="ann@example.com", passwd="h", admin=False)
    assert accounts.public(user) == {"id": "u1", "name": "Ann", "admin": False}


def test_what_an_admin_is_shown_has_the_email_and_whether_disabled_but_no_hash(accounts, models):
    user = models.User(id="u1", name="Ann", email="ann@example.com", passwd="h")
    state = models.AccountState(user_id="u1", session_generation=3, disabled=True)
    shown = {"id": "u1", "name": "Ann", "email": "ann@example.com", "disabled": True}
    assert accounts.for_admins(user, state) == shown
    assert accounts.for_admins(user) == {**shown, "disabled": False}


# --- signing in ----------------------------------------------------------------------------


async def test_the_right_password_signs_in_whatever_the_email_s_case(make_user, sign_in):
    ann = await make_user(email="ann@example.com")
    assert await sign_in("Ann@Example.COM") == ann


async def test_a_wrong_password_and_an_unknown_email_get_the_very_same_refusal(
    apis, make_user, sign_in
):
    await make_user(email="ann@example.com")
    refusals = []
    for email, password in [("ann@example.com", "a guess"), ("nobody@example.com", PASSWORD)]:
        with pytest.raises(apis.APIAuthenticationError) as caught:
            await sign_in(email, password)
        error = caught.value
        refusals.append((error.status, error.error, error.data, error.message))
    assert refusals[0] == refusals[1]
    assert refusals[0][:3] == (401, "auth:failed", "auth")


async def test_a_disabled_account_is_told_so_only_with_the_right_password(
    accounts, apis, make_user, sign_in
):
    admin, ann = await make_user(admin=True), await make_user(email="ann@example.com")
    await accounts.set_disabled(admin, ann.id, True)
    with pytest.raises(apis.APIAuthenticationError):
        await sign_in("ann@example.com", "not the password")
    with pytest.raises(apis.APIPermissionError) as caught:
        await sign_in("ann@example.com")
    assert caught.value.status == 403
    assert caught.value.message.startswith("This account has been disabled")


async def test_a_hash_of_an_older_cost_is_redone_at_sign_in(passwords, models, make_user, sign_in):
    ann = await make_user(email="ann@example.com")
    ann.passwd = await passwords.hash_password(PASSWORD, n=2**10)
    await ann.update()
    assert passwords.needs_rehash(ann.passwd)
    renewed = (await sign_in("ann@example.com")).passwd
    assert not passwords.needs_rehash(renewed)
    assert await passwords.verify_password(PASSWORD, renewed)
    assert (await models.User.find(ann.id)).passwd == renewed


@pytest.mark.production
async def test_after_too_many_failures_even_the_right_password_waits(
    workbook, day, apis, make_user, sign_in
):
    throttle = workbook.load(day, "throttle")
    await make_user(email="ann@example.com")
    for _ in range(throttle.ACCOUNT_LIMIT):
        with pytest.raises(apis.APIAuthenticationError):
            await sign_in("ann@example.com", "a guess")
    with pytest.raises(throttle.TooManyAttempts) as caught:
        await sign_in("ann@example.com")
    assert caught.value.status == 429
    assert 0 < int(caught.value.headers["Retry-After"]) <= throttle.WINDOW


# --- ending sessions -----------------------------------------------------------------------


async def test_ending_sessions_raises_the_generation_and_old_cookies_stop_counting(
    accounts, make_user, cookie_for, still_signed_in
):
    ann = await make_user()
    first = cookie_for(ann)
    assert await still_signed_in(first, ann)
    assert (await accounts.end_sessions(ann.id)).session_generation == 1
    assert not await still_signed_in(first, ann)
    second = cookie_for(ann, generation=1)
    assert (await accounts.end_sessions(ann.id)).session_generation == 2
    assert not await still_signed_in(second, ann)


async def test_changing_the_password_needs_the_current_one_and_ends_older_sessions(
    accounts, passwords, models, make_user, cookie_for, still_signed_in
):
    ann = await make_user(email="ann@example.com")
    before = cookie_for(ann)
    values = {"current": PASSWORD, "password": NEW_PASSWORD}
    changed = await accounts.change_password(ann, values, ADDRESS)
    stored = (await models.User.find(ann.id)).passwd
    assert stored == changed.passwd and await passwords.verify_password(NEW_PASSWORD, stored)
    # The new hash alone ends the sessions signed for the old one.
    assert not await still_signed_in(before, changed)
    assert await still_signed_in(cookie_for(changed), changed)


@pytest.mark.parametrize(
    "current, new, message",
    [
        ("a guess", NEW_PASSWORD, "current: that is not your current password"),
        (PASSWORD, "short", "password: must be at least 8 characters"),
    ],
)
async def test_a_refused_password_change_says_why_and_changes_nothing(
    accounts, apis, models, make_user, current, new, message
):
    ann = await make_user()
    with pytest.raises(apis.APIValueError) as caught:
        await accounts.change_password(ann, {"current": current, "password": new}, ADDRESS)
    assert caught.value.message == message
    assert (await models.User.find(ann.id)).passwd == ann.passwd


# --- disabling an account ------------------------------------------------------------------


async def test_disabling_an_account_ends_its_sessions_and_enabling_it_keeps_them_ended(
    accounts, make_user, cookie_for, still_signed_in
):
    admin, ann = await make_user(admin=True), await make_user()
    cookie = cookie_for(ann)
    shown = await accounts.set_disabled(admin, ann.id, True)
    assert (shown["id"], shown["disabled"]) == (ann.id, True) and "passwd" not in shown
    assert await accounts.disabled_among([admin, ann]) == {ann.id}
    assert not await still_signed_in(cookie, ann)
    assert (await accounts.set_disabled(admin, ann.id, False))["disabled"] is False
    assert await accounts.disabled_among([admin, ann]) == set()
    assert not await still_signed_in(cookie, ann)


async def test_an_administrator_cannot_disable_their_own_account(accounts, apis, make_user):
    admin = await make_user(admin=True)
    with pytest.raises(apis.APIValueError) as caught:
        await accounts.set_disabled(admin, admin.id, True)
    assert caught.value.message == "id: an administrator cannot disable their own account"


async def test_disabling_an_unknown_account_is_a_404(accounts, apis, make_user, models):
    admin = await make_user(admin=True)
    with pytest.raises(apis.APIResourceNotFoundError):
        await accounts.set_disabled(admin, models.next_id(), True)


# --- making an administrator ----------------------------------------------------------------


async def test_create_admin_makes_a_new_administrator(accounts, passwords):
    values = {"email": "Ada@Example.com", "name": "Ada", "password": PASSWORD}
    admin, created = await accounts.create_admin(values)
    assert created is True
    assert (admin.email, admin.name, admin.admin) == ("ada@example.com", "Ada", True)
    assert await passwords.verify_password(PASSWORD, admin.passwd)


async def test_create_admin_promotes_an_existing_user_keeping_their_name(
    accounts, passwords, models, make_user
):
    ann = await make_user("Ann", email="ann@example.com")
    values = {"email": "ann@example.com", "name": "Another Name", "password": NEW_PASSWORD}
    admin, created = await accounts.create_admin(values)
    assert (created, admin.id, admin.name, admin.admin) == (False, ann.id, "Ann", True)
    stored = await models.User.find(ann.id)
    assert stored.admin is True and await passwords.verify_password(NEW_PASSWORD, stored.passwd)
    assert await models.User.findNumber("count(*)") == 1
