"""Password hashing: scrypt from the standard library, salted, slow on purpose, off the loop.

A stored hash names its own parameters (``scrypt$n=16384,r=8,p=1$<salt>$<hash>``), so the cost
can be raised later: ``needs_rehash`` says which hashes to redo at the next sign-in. Notice
``_scrypt_in_a_thread``: a hash takes tens of milliseconds, so it runs in a thread while the
event loop serves other requests, and no more than HASHES_AT_ONCE at a time, so a flood of
sign-ins queues for the cores instead of taking all of them.
"""

import asyncio
import base64
import hashlib
import hmac
import os
import re
import weakref

N, R, P = 2**14, 8, 1  # scrypt's cost: about 16 MiB of memory and tens of milliseconds
SALT_BYTES, HASH_BYTES = 16, 32
HASHES_AT_ONCE = os.cpu_count() or 1  # per process: more would only take turns on the cores
FORMAT = re.compile(r"scrypt\$n=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    # scrypt needs 128*n*r bytes (plus a little per p); allow twice that, so raising the cost
    # later is not stopped by hashlib's default 32 MiB ceiling.
    memory = 2 * 128 * r * (n + p)
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=memory, dklen=HASH_BYTES
    )


# One semaphore per event loop: a semaphore belongs to the loop it first waited on.
_hashing: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def _scrypt_in_a_thread(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    loop = asyncio.get_running_loop()
    slots = _hashing.setdefault(loop, asyncio.Semaphore(HASHES_AT_ONCE))
    async with slots:
        return await asyncio.to_thread(_scrypt, password, salt, n, r, p)


def encode(salt: bytes, digest: bytes, *, n: int = N, r: int = R, p: int = P) -> str:
    """A salt and a digest in the self-describing format above (what FORMAT reads back)."""
    b64 = base64.b64encode
    return f"scrypt$n={n},r={r},p={p}${b64(salt).decode()}${b64(digest).decode()}"


async def hash_password(password: str, *, n: int = N, r: int = R, p: int = P) -> str:
    """A new salted hash of ``password``, in the self-describing format above."""
    salt = os.urandom(SALT_BYTES)
    digest = await _scrypt_in_a_thread(password, salt, n, r, p)
    return encode(salt, digest, n=n, r=r, p=p)


async def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches the ``stored`` hash; False for a hash in any other format."""
    match = FORMAT.fullmatch(stored or "")
    if not match:
        return False
    n, r, p = (int(group) for group in match.group(1, 2, 3))
    try:
        salt, expected = (base64.b64decode(group, validate=True) for group in match.group(4, 5))
        digest = await _scrypt_in_a_thread(password, salt, n, r, p)
    except ValueError:  # bad base64, or parameters scrypt refuses: not a hash made here
        return False
    # compare_digest takes as long for a near miss as for a wild guess: no timing hints.
    return hmac.compare_digest(digest, expected)


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` was made with other parameters (or another scheme) than today's."""
    match = FORMAT.fullmatch(stored or "")
    return match is None or tuple(int(g) for g in match.group(1, 2, 3)) != (N, R, P)
