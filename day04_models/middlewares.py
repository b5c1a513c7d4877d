"""Middlewares: code that runs around every handler, on the way in and on the way out.

Each is an ``async def`` that calls ``await handler(request)`` once. What comes before that
line pre-processes the request (step 3 of the cycle), what comes after works on the response.
``create_app`` lists them outermost first; notice how ``errors`` turns any HTTP error raised
inside it into JSON, and how ``respond`` turns whatever a handler returns into a response.
"""

import hmac
import logging
import time

from aiohttp import web

from .tracing import record

log = logging.getLogger(__name__)

# The shared token of the write route. A teaching toy, not real security: one token for
# everybody, sent in clear over plain HTTP. Day 6 replaces it with accounts and sessions.
TOKEN = web.AppKey("token", str)


@web.middleware
async def access_log(request: web.Request, handler) -> web.StreamResponse:
    """Log one line per request: method, path, status and the time it took, in milliseconds."""
    record(request, 3, "access_log", "clock started")
    started = time.perf_counter()
    status = 500  # what aiohttp answers when a handler fails with anything but an HTTP error
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        elapsed = (time.perf_counter() - started) * 1000
        log.info("%s %s %d %.2f ms", request.method, request.path_qs, status, elapsed)


@web.middleware
async def errors(request: web.Request, handler) -> web.StreamResponse:
    """Answer every HTTP error raised below (by aiohttp or by a handler) with JSON."""
    record(request, 3, "errors", "HTTP errors raised below become JSON")
    try:
        return await handler(request)
    except web.HTTPException as exc:
        message = exc.text
        if message == f"{exc.status}: {exc.reason}":  # aiohttp's own text says nothing more
            message = f"{request.method} {request.path}: {exc.reason}"
        body = {"error": exc.reason, "message": message}
        # Keep the headers that tell the client what to do next (405 and 401 send them).
        headers = {k: v for k, v in exc.headers.items() if k in ("Allow", "WWW-Authenticate")}
        response = web.json_response(body, status=exc.status, headers=headers)
        record(request, 8, "errors", f"{type(exc).__name__} -> {exc.status} JSON")
        return response


def needs_token(handler):
    """Mark a handler as a write route: ``require_token`` lets only the token's holder in."""
    handler.needs_token = True
    return handler


@web.middleware
async def require_token(request: web.Request, handler) -> web.StreamResponse:
    """Guard the handlers marked ``@needs_token``: they need ``Authorization: Bearer <token>``."""
    # match_info.handler is the route's own function, whatever middlewares wrap it.
    needed = getattr(request.match_info.handler, "needs_token", False)
    if needed:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise web.HTTPUnauthorized(
                text="this route needs the header 'Authorization: Bearer <token>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        # compare_digest takes as long for a near miss as for a wild guess: the response
        # time does not leak how much of the token was right. It compares bytes; the
        # surrogateescape turns back into bytes any header bytes that were not UTF-8.
        given = token.encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, request.app[TOKEN].encode()):
            raise web.HTTPUnauthorized(
                text="the bearer token is wrong", headers={"WWW-Authenticate": "Bearer"}
            )
    record(request, 3, "require_token", "token accepted" if needed else "no token needed")
    return await handler(request)


@web.middleware
async def respond(request: web.Request, handler) -> web.StreamResponse:
    """The response factory: a handler returns data, this turns it into a response.

    A ``str`` becomes an HTML page, a ``dict`` or ``list`` becomes JSON, and a response a
    handler built itself (a 201, a redirect) passes through as it is.
    """
    data = await handler(request)
    name = request.match_info.handler.__name__
    record(request, 7, name, f"returned a {type(data).__name__}")
    if isinstance(data, web.StreamResponse):
        response = data
    elif isinstance(data, str):
        response = web.Response(text=data, content_type="text/html")
    elif isinstance(data, dict | list):
        response = web.json_response(data)
    else:
        raise TypeError(f"{name} returned a {type(data).__name__}: return str, dict or a response")
    content_type = response.headers.get("Content-Type", "no body")
    record(request, 8, "respond", f"{response.status}, {content_type}")
    return response
