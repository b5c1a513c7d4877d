"""The nine steps of the HTTP cycle, recorded for every request and shown to you.

``record(request, step, who, what)`` notes one step; it is called in the code where that step
really happens: the ``trace`` middleware (1, 2), each middleware (3), ``RequestHandler`` (4, 5;
4 alone when it refuses the arguments), the ORM's ``statement_listeners`` (6), the response
factory (7, 8) and ``send`` (9), which aiohttp calls just before it writes the response.
The steps come back in the ``X-Trace`` response header and in the server's log.
"""

import contextvars
import logging
from typing import NamedTuple

from aiohttp import web

log = logging.getLogger(__name__)


class Step(NamedTuple):
    number: int  # 1 to 9, as in the nine steps of the course
    who: str  # the piece of code that did it
    what: str


TRACE = web.RequestKey("trace", list[Step])
# The request the running task serves (each task has its own context): the ORM reaches it.
SERVING = contextvars.ContextVar("serving", default=None)


def record(request: web.Request, number: int, who: str, what: str) -> None:
    """Note one step; a step 7 (what the controller returned or raised) only if it ran (5)."""
    steps = request.get(TRACE)  # None: an app without the trace middleware; coroweb works there
    if steps is not None and (number != 7 or any(step.number == 5 for step in steps)):
        steps.append(Step(number, who, what))


@web.middleware
async def trace(request: web.Request, handler) -> web.StreamResponse:
    """The outermost middleware: the first of our code to see the request starts its trace."""
    request[TRACE] = []
    SERVING.set(request)
    version = f"HTTP/{request.version.major}.{request.version.minor}"
    record(request, 1, "client", f"{request.method} {request.path_qs} {version}")
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
        log.info("%s %s\n%s", request.method, request.path_qs, "\n".join(lines))


def trace_statement(sql: str, args: tuple) -> None:
    """Step 6: each statement the ORM runs is recorded in the trace of the request it serves."""
    request = SERVING.get()
    if request is not None:
        record(request, 6, "orm", f"{sql}  {args}")
