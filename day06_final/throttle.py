"""Sign-in throttling: after too many failures, an account or a client address must wait.

Each attempt is written to the ``sign_in_attempts`` table *before* its password is checked,
then the attempts are counted. Notice what that order buys: fifty guesses sent at once each
see the others' rows, so no more than the limit get a (slow) password check, the rest are a
quick 429; and since the count is in the database, every worker of a gunicorn sees the same.
A sign-in that works clears its account's failures; a refused one leaves no row.
"""

import contextlib
import math
import time

from .apis import APIError
from .models import SignInAttempt
from .orm import execute

ACCOUNT_LIMIT = 5  # failed sign-ins per account, from anywhere, in WINDOW
ADDRESS_LIMIT = 20  # failed sign-ins from one client address, at any accounts, in WINDOW
WINDOW = 15 * 60  # seconds


class TooManyAttempts(APIError):
    """429: wait ``retry_after`` seconds (sent as the Retry-After header) before trying again."""

    status = 429

    def __init__(self, retry_after: int):
        minutes = math.ceil(retry_after / 60)
        message = f"Too many failed sign-ins: try again in {minutes} minute(s)."
        super().__init__("auth:throttled", "auth", message)
        self.headers = {"Retry-After": str(retry_after)}


@contextlib.asynccontextmanager
async def sign_in_attempt(email: str, address: str):
    """Count this attempt, or refuse it with ``TooManyAttempts``; the body checks the password.

    Leaving the block normally means the sign-in worked: the account's failures are cleared.
    Leaving it with an exception (a wrong password) keeps the attempt counted as a failure.
    """
    now = time.time()
    await execute(f"DELETE FROM {SignInAttempt.__table__} WHERE created_at < ?", [now - WINDOW])
    attempt = SignInAttempt(email=email, address=address, created_at=now)
    await attempt.save()
    for column, value, limit in (
        ("email", email, ACCOUNT_LIMIT),
        ("address", address, ADDRESS_LIMIT),
    ):
        where, args = f"{column} = ? AND created_at > ?", [value, now - WINDOW]
        if await SignInAttempt.findNumber("count(*)", where, args) > limit:
            # None if a sign-in that worked cleared them meanwhile.
            oldest = await SignInAttempt.findNumber("min(created_at)", where, args) or now
            await attempt.remove()  # a refused attempt checks nothing: it does not count
            raise TooManyAttempts(max(1, math.ceil(oldest + WINDOW - time.time())))
    yield
    await execute(f"DELETE FROM {SignInAttempt.__table__} WHERE email = ?", [email])
