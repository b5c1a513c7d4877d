"""passwords.py: salted scrypt hashes that name their parameters, computed off the event loop."""

import asyncio
import hashlib
import re

import pytest

SHAPE = re.compile(r"scrypt\$n=(\d+),r=(\d+),p=(\d+)\$([^$]+)\$([^$]+)")


async def test_a_hash_names_its_scheme_and_parameters(passwords):
    stored = await passwords.hash_password("correct horse")
    match = SHAPE.fullmatch(stored)
    assert match, stored
    n, r, p = (int(x) for x in match.group(1, 2, 3))
    # The cost the design asks for: at least scrypt's interactive-login recommendation.
    assert n >= 2**14 and r >= 8 and p >= 1


async def test_a_hash_never_contains_the_password(passwords):
    assert "correct horse" not in await passwords.hash_password("correct horse")


async def test_the_same_password_gets_a_new_salt_and_hash_each_time(passwords):
    first = SHAPE.fullmatch(await passwords.hash_password("same"))
    second = SHAPE.fullmatch(await passwords.hash_password("same"))
    assert first.group(4) != second.group(4)
    assert first.group(5) != second.group(5)


@pytest.mark.parametrize("password", ["correct horse", "密码🔑 with spaces", "x" * 200])
async def test_the_right_password_verifies(passwords, password):
    assert await passwords.verify_password(password, await passwords.hash_password(password))


@pytest.mark.parametrize("attempt", ["", "Correct horse", "correct horse ", "correct"])
async def test_a_wrong_password_does_not_verify(passwords, attempt):
    stored = await passwords.hash_password("correct horse")
    assert not await passwords.verify_password(attempt, stored)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "correct horse",  # a password stored in the clear
        hashlib.sha1(b"correct horse").hexdigest(),  # the original course's unsalted SHA1
        "scrypt$n=16384,r=8,p=1$not base64!$AAAA",
        "scrypt$n=16384,r=8,p=1$AAA$AAAA",
        "scrypt$n=3,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",  # n must be a power of two
        "pbkdf2$n=1$AAAA$AAAA",
    ],
)
async def test_a_hash_in_any_other_format_never_verifies_and_never_raises(passwords, stored):
    assert await passwords.verify_password("correct horse", stored) is False


async def test_a_truncated_hash_never_verifies(passwords):
    stored = await passwords.hash_password("correct horse")
    assert not await passwords.verify_password("correct horse", stored[:-4])


@pytest.mark.parametrize("step", ["hash", "verify"])
async def test_hashing_leaves_the_event_loop_free_to_serve_others(passwords, step):
    stored = await passwords.hash_password("pw")
    work = (
        passwords.hash_password("pw") if step == "hash" else passwords.verify_password("pw", stored)
    )
    task = asyncio.create_task(work)
    turns = 0
    while not task.done():
        # Each turn is the loop serving someone else while the hash is computed. Hashing on the
        # loop itself would run the whole hash in the task's first step: one turn, no more.
        turns += 1
        await asyncio.sleep(0)
    assert turns > 1
    assert await task


async def test_a_hash_made_with_todays_parameters_needs_no_rehash(passwords):
    assert not passwords.needs_rehash(await passwords.hash_password("pw"))


async def test_a_hash_made_with_a_lower_cost_still_verifies_and_needs_a_rehash(passwords):
    cheaper = await passwords.hash_password("pw", n=2**12)
    assert await passwords.verify_password("pw", cheaper)
    assert passwords.needs_rehash(cheaper)


@pytest.mark.parametrize("stored", ["", hashlib.sha1(b"pw").hexdigest(), "scrypt$broken"])
def test_a_hash_in_another_format_needs_a_rehash(passwords, stored):
    assert passwords.needs_rehash(stored)
