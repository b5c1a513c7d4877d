"""Failed sign-ins throttled per account and per client address, with the count in the database.

Guessing passwords is the attack: 50 guesses at a time used to go through at 28 a second, each
costing a slow hash that real users then queued behind. The checks send guesses in parallel (a
delay per request slows no one who sends many at once), read the limits from throttle.py, and
count the hashes computed by wrapping ``hashlib.scrypt``.
"""

import asyncio
import hashlib
import threading
import time

import pytest

from tests.day06_final.conftest import PASSWORD

pytestmark = pytest.mark.production
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
BEHIND_A_PROXY = pytest.mark.parametrize("settings", [{"trust_proxy": True}], ids=["proxy"])


@pytest.fixture
def throttle(workbook, day):
    """The day's throttle module (its limits)."""
    return workbook.load(day, "throttle")


def test_the_limits_are_the_figures_the_readme_states(throttle):
    # "past 5 failures for one account, or 20 from one client address, within 15 minutes": the
    # other checks count up to the module's limits, so this one holds them to the README's.
    assert (throttle.ACCOUNT_LIMIT, throttle.ADDRESS_LIMIT, throttle.WINDOW) == (5, 20, 15 * 60)


class Hashes:
    """Every scrypt the blog computes, counted, with the most that ran at one moment."""

    def __init__(self, real):
        self.real, self.count, self.running, self.most = real, 0, 0, 0
        self.lock = threading.Lock()

    def __call__(self, *args, **kwargs):
        with self.lock:
            self.count += 1
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(0.01)  # long enough for hashes that may overlap to overlap
            return self.real(*args, **kwargs)
        finally:
            with self.lock:
                self.running -= 1


@pytest.fixture
def hashes(monkeypatch):
    """Count the password hashes computed from now on."""
    counter = Hashes(hashlib.scrypt)
    monkeypatch.setattr(hashlib, "scrypt", counter)
    return counter


async def guesses(client, emails, *, password="not the password", headers=None, at_once=50):
    """Sign in as each of ``emails`` with ``password``, ``at_once`` at a time: the responses."""
    limit = asyncio.Semaphore(at_once)

    async def guess(email):
        async with limit:
            body = {"email": email, "password": password}
            async with client.post("/api/authenticate", json=body, headers=headers) as response:
                await response.read()
                return response

    async with asyncio.timeout(60):
        return await asyncio.gather(*(guess(email) for email in emails))


def statuses(responses) -> list[int]:
    return sorted(response.status for response in responses)


async def test_parallel_guesses_at_one_account_stop_at_the_limit_without_a_hash_each(
    client, auth, throttle, hashes
):
    await auth.make_user(email="ann@example.com")
    responses = await guesses(client, ["ann@example.com"] * 50)
    # Each attempt is counted before its hash: however many run at once, no more than the
    # limit are checked (fewer if they all arrive together); the rest are refused unhashed.
    checked = statuses(responses).count(401)
    assert checked <= throttle.ACCOUNT_LIMIT
    assert statuses(responses) == [401] * checked + [429] * (50 - checked)
    assert hashes.count == checked


async def test_a_throttled_sign_in_is_a_429_with_retry_after_and_a_json_error(
    client, auth, throttle
):
    await auth.make_user(email="ann@example.com")
    failed = await guesses(client, ["ann@example.com"] * throttle.ACCOUNT_LIMIT, at_once=1)
    assert set(statuses(failed)) == {401}
    response = await auth.sign_in("ann@example.com")  # the right password, too late
    assert response.status == 429
    assert 0 < int(response.headers["Retry-After"]) <= throttle.WINDOW
    body = await response.json()
    assert body["error"] == "auth:throttled"
    assert "try again" in body["message"]
    assert "awesession" not in response.cookies


async def test_retry_after_is_the_seconds_until_the_oldest_failure_leaves_the_window(
    client, auth, throttle, workbook, day, monkeypatch
):
    await auth.make_user(email="ann@example.com")
    await guesses(client, ["ann@example.com"] * throttle.ACCOUNT_LIMIT, at_once=1)
    response = await auth.sign_in("ann@example.com")
    # The failures were made within the last minute: the first leaves the window in about 15.
    assert throttle.WINDOW - 60 <= int(response.headers["Retry-After"]) <= throttle.WINDOW
    # Half a second before the window lets the failures go (the clock stopped, so that a busy
    # machine cannot let them go first), the answer is "1", not 0.
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)
    table = workbook.load(day, "models").SignInAttempt.__table__
    almost_out = now + 0.5 - throttle.WINDOW
    await workbook.load(day, "orm").execute(f"UPDATE {table} SET created_at = ?", [almost_out])
    response = await auth.sign_in("ann@example.com")
    assert response.status == 429 and response.headers["Retry-After"] == "1"
    assert "1 minute" in (await response.json())["message"]


@sqlite_only
async def test_the_sign_in_form_is_throttled_too(client, auth, throttle):
    await auth.make_user(email="ann@example.com")
    await guesses(client, ["ann@example.com"] * throttle.ACCOUNT_LIMIT, at_once=1)
    form = {"email": "ann@example.com", "password": PASSWORD}
    response = await client.post("/signin", data=form, allow_redirects=False)
    assert response.status == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "try again" in await response.text()


@sqlite_only
async def test_a_sign_in_that_works_clears_the_accounts_failures(client, auth, throttle):
    await auth.make_user(email="ann@example.com")
    for _ in range(3):
        failed = await guesses(
            client, ["ann@example.com"] * (throttle.ACCOUNT_LIMIT - 1), at_once=1
        )
        assert set(statuses(failed)) == {401}
        assert (await auth.sign_in("ann@example.com")).status == 200


async def test_one_address_guessing_many_accounts_stops_at_the_address_limit(
    client, auth, throttle, hashes
):
    emails = [f"person{n}@example.com" for n in range(throttle.ADDRESS_LIMIT + 10)]
    responses = await guesses(client, emails)
    checked = statuses(responses).count(401)
    assert checked <= throttle.ADDRESS_LIMIT
    assert statuses(responses) == [401] * checked + [429] * (len(emails) - checked)
    assert hashes.count == checked


@sqlite_only
@BEHIND_A_PROXY
async def test_behind_the_proxy_each_client_address_is_counted_apart(client, throttle):
    limit = throttle.ADDRESS_LIMIT
    emails = [f"person{n}@example.com" for n in range(limit + 1)]
    one_by_one = {"X-Forwarded-For": "198.51.100.7"}
    first = await guesses(client, emails, headers=one_by_one, at_once=1)
    assert statuses(first) == [401] * limit + [429]
    other = await guesses(client, emails[:3], headers={"X-Forwarded-For": "203.0.113.9"})
    assert statuses(other) == [401] * 3


@sqlite_only
async def test_without_a_trusted_proxy_a_forwarded_address_changes_nothing(client, throttle):
    limit = throttle.ADDRESS_LIMIT
    emails = [f"person{n}@example.com" for n in range(limit + 1)]
    for n, email in enumerate(emails):
        # Anyone can send this header: a new made-up address per guess must not reset the count.
        headers = {"X-Forwarded-For": f"198.51.100.{n}"}
        await guesses(client, [email], headers=headers)
    assert statuses(await guesses(client, ["last@example.com"])) == [429]


async def test_the_count_lives_in_the_database_so_another_worker_refuses_too(
    aiohttp_client, workbook, day, config, auth, client, throttle
):
    await auth.make_user(email="ann@example.com")
    await guesses(client, ["ann@example.com"] * throttle.ACCOUNT_LIMIT, at_once=1)
    await client.close()
    # A second process on the same database (a gunicorn worker, or the blog restarted).
    other = await aiohttp_client(await workbook.load(day, "app").create_app(config=config))
    body = {"email": "ann@example.com", "password": PASSWORD}
    assert (await other.post("/api/authenticate", json=body)).status == 429


@sqlite_only
async def test_no_more_hashes_run_at_once_than_the_blog_allows(
    client, workbook, day, hashes, monkeypatch
):
    monkeypatch.setattr(workbook.load(day, "passwords"), "HASHES_AT_ONCE", 1)
    await guesses(client, [f"person{n}@example.com" for n in range(12)])
    # A flood of sign-ins queues for the hashing threads instead of taking every core.
    assert hashes.count == 12
    assert hashes.most == 1
