"""The nine steps of the HTTP cycle, recorded for every request and shown to you.

Day 2's tracing, carried on. ``record(request, step, who, what)`` notes one step where it
happens: the ``trace`` middleware (1, 2), each middleware (3), coroweb's ``RequestHandler``
(4 and 5, or 4 alone when it refuses the arguments, as day 2's handlers did), the ORM (6), the
response factory (7, 8) and ``send`` (9). Handlers are plain functions that record nothing;
step 6 is each statement the ORM runs while serving. New on day 6: the ``auth`` middleware asks
the database who is signed in, and that SQL counts in step 3; the log shows the steps only when
asked (``serve --trace``); and a request too broken to parse, which never reaches the trace, is
logged in one line (``BrokenRequestLog``), not as a traceback.
"""

import contextvars
import logging
import re
from typing import NamedTuple
from urllib.parse import unquote_plus

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from . import orm

log = logging.getLogger(__name__)


class Step(NamedTuple):
    number: int  # 1 to 9, as in the nine steps of the course
    who: str  # the piece of code that did it
    what: str


TRACE = web.RequestKey("trace", list[Step])
# Parameters whose values are credentials: never read from a URL (auth.py refuses them there),
# never written to a log. A password hash is no better: whoever reads one can guess at it.
SECRET_NAMES = frozenset({"password", "password2", "current", "passwd"})
_NAMES = "|".join(sorted(SECRET_NAMES))
# name=value as step 4 shows it: a quoted string, a [list], or anything up to "," or ")".
_SECRET_ARGUMENT = re.compile(
    rf"\b({_NAMES})=('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\[.*?\](?=, \w+=|\)$)|[^,)]*)"
)
_PASSWORD_HASH = re.compile(r"scrypt\$[\w+/=,$]*")
# The request the running task serves. aiohttp runs each request in a task of its own, with
# its own copy of the context: the ORM, which knows nothing of requests, still reaches it.
SERVING = contextvars.ContextVar("serving", default=None)


def record(request: web.Request, number: int, who: str, what: str) -> None:
    """Note one step. Step 7 is what the controller returned or raised: when it never ran (its
    arguments were refused at step 4, or no route matched) there is no step 7, whoever asks.
    Step 4 shows the controller's arguments: credentials (``password=...``) are starred out."""
    steps = request.get(TRACE)
    if steps is None:  # an app without the trace middleware: coroweb works there too
        return
    if number != 7 or controller_ran(steps):
        steps.append(Step(number, who, without_credentials(what) if number == 4 else what))


def without_credentials(text: str) -> str:
    """``text`` with the values of SECRET_NAMES arguments and any password hash starred out."""
    text = _SECRET_ARGUMENT.sub(lambda match: f"{match.group(1)}=***", text)
    return _PASSWORD_HASH.sub("***", text)


def shown_path(request: web.Request) -> str:
    """The request's path and query string for a log, the values of SECRET_NAMES starred out."""
    if not SECRET_NAMES.intersection(request.query):
        return request.path_qs
    pairs = (pair.partition("=") for pair in request.rel_url.raw_query_string.split("&"))
    query = "&".join(
        f"{name}=***" if unquote_plus(name) in SECRET_NAMES else f"{name}{equals}{value}"
        for name, equals, value in pairs
    )
    return f"{request.path}?{query}"


def controller_ran(steps: list[Step]) -> bool:
    # From the newest step back: step 5, when there is one, is a step or two from the end.
    # Asked for each statement and each step 7, so a loop, not a generator to build each time.
    for step in reversed(steps):
        if step.number == 5:
            return True
    return False


@web.middleware
async def trace(request: web.Request, handler) -> web.StreamResponse:
    """The outermost middleware: the first of our code to see the request starts its trace."""
    request[TRACE] = []
    SERVING.set(request)
    version = f"HTTP/{request.version.major}.{request.version.minor}"
    record(request, 1, "client", f"{request.method} {shown_path(request)} {version}")
    # aiohttp asks the router before it calls any middleware: the answer is already here.
    match = request.match_info
    if match.http_exception is not None:
        record(request, 2, "router", f"no route matches: {match.http_exception.reason}")
    else:
        route = f"{match.route.method} {match.route.resource.canonical}"
        record(request, 2, "router", f"{route} -> {match.handler.__name__}, path {dict(match)}")
    return await handler(request)


async def send(request: web.Request, response: web.StreamResponse) -> None:
    """Step 9, on aiohttp's ``on_response_prepare`` signal: the headers are about to go out."""
    steps = request.get(TRACE)
    if steps is None:  # a request that never reached the middlewares, e.g. a malformed one
        return
    record(request, 9, "server", f"{response.status} {response.reason} sent to the client")
    # Only step numbers and names go into the header: they are plain ASCII, as headers must be.
    response.headers["X-Trace"] = "; ".join(f"{step.number} {step.who}" for step in steps)
    # A dozen lines to format for every request: only when the log will show them.
    if log.isEnabledFor(logging.INFO):
        lines = (f"  {step.number} {step.who:<16} {step.what}" for step in steps)
        log.info("%s %s\n%s", request.method, shown_path(request), "\n".join(lines))


def trace_statement(sql: str, args: tuple) -> None:
    """Step 6: each statement the ORM runs is recorded in the trace of the request it serves.

    A statement run before the controller (step 5) is a middleware's, such as ``auth`` asking
    who the session cookie names: it is recorded as part of step 3, where it happened.
    """
    request = SERVING.get()
    if request is not None:
        # The arguments only for a log that shows them: an article's text can be a megabyte.
        shown = without_credentials(f"{sql}  {args}") if log.isEnabledFor(logging.INFO) else sql
        record(request, 6 if controller_ran(request.get(TRACE, [])) else 3, "orm", shown)


async def trace_queries(app: web.Application):
    """For as long as the app runs (a ``cleanup_ctx``), hear every statement the ORM runs."""
    orm.statement_listeners.append(trace_statement)
    try:
        yield
    finally:
        orm.statement_listeners.remove(trace_statement)


# --- requests too broken to be traced ---------------------------------------------------------


class BrokenRequestLog(logging.Filter):
    """aiohttp's log of a request its parser refused: one line, not a traceback.

    A request line or header too long, a malformed header, an impossible length: aiohttp
    answers 400 before any middleware runs, and logs the parser's traceback at ERROR. On the
    internet anyone can send these, as many as they like, and a traceback per request would
    bury the errors that are the blog's own. The request is still logged, as a warning.
    """

    def filter(self, entry: logging.LogRecord) -> bool:
        exc = entry.exc_info[1] if entry.exc_info else None
        if isinstance(exc, HttpProcessingError) and 400 <= (exc.code or 400) < 500:
            reason = str(exc.message).splitlines()[0][:200] if exc.message else ""
            entry.msg = f"{entry.getMessage()}: {exc.code} {type(exc).__name__} {reason}".strip()
            entry.args, entry.exc_info, entry.exc_text = (), None, None
            entry.levelno, entry.levelname = logging.WARNING, "WARNING"
        return True


async def quiet_broken_requests(app: web.Application):
    """For as long as the app runs (a ``cleanup_ctx``), log refused requests in one line."""
    server_log, broken = logging.getLogger("aiohttp.server"), BrokenRequestLog()
    server_log.addFilter(broken)
    try:
        yield
    finally:
        server_log.removeFilter(broken)
