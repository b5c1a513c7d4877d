"""Middlewares: code that runs around every handler, on the way in and on the way out.

Each is an ``async def`` that calls ``await handler(request)`` once. What comes before that
line pre-processes the request (step 3 of the cycle), what comes after works on the response.
``create_app`` lists them outermost first; notice how ``response_factory`` is the one place
where what a handler returns (a dict, a str, bytes...) or raises becomes an HTTP response.
"""

import functools
import json
import logging
import time

import jinja2
from aiohttp import web

from .apis import APIError
from .tracing import record

log = logging.getLogger(__name__)

# The pages' Jinja2 environment: app.init_jinja2 puts it there, the response factory uses it.
JINJA2 = web.AppKey("jinja2", jinja2.Environment)


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
async def response_factory(request: web.Request, handler) -> web.StreamResponse:
    """Steps 7 and 8: turn what the handler returned, or raised, into a response."""
    record(request, 3, "response_factory", "the handler's return value will become a response")
    name = request.match_info.handler.__name__
    try:
        result = await handler(request)
    except APIError as exc:  # step 7 only if the controller ran: see tracing.record
        record(request, 7, name, f"raised {type(exc).__name__}({exc.data!r})")
        body = {"error": exc.error, "data": exc.data, "message": exc.message}
        response = json_response(body, status=exc.status)
    else:
        record(request, 7, name, f"returned a {type(result).__name__}")
        response = to_response(request, result)
    content_type = response.headers.get("Content-Type", "no body")
    record(request, 8, "response_factory", f"{response.status}, {content_type}")
    return response


def to_response(request: web.Request, result) -> web.StreamResponse:
    """The response for a handler's return value, for each kind of value a handler may return."""
    match result:
        case web.StreamResponse():
            return result
        case bytes():
            return web.Response(body=result, content_type="application/octet-stream")
        case str() if result.startswith("redirect:"):
            return web.Response(status=302, headers={"Location": result.removeprefix("redirect:")})
        case str():
            return web.Response(text=result, content_type="text/html")
        case {"__template__": str(template)}:
            html = request.app[JINJA2].get_template(template).render(**result)
            return web.Response(text=html, content_type="text/html")
        case dict():
            return json_response(result)
        case int() if not isinstance(result, bool):
            return web.Response(status=result)
        case (int() as status, text) if isinstance(result, tuple):
            return web.Response(status=status, text=str(text))
    raise TypeError(f"{request.path}: a handler may not return a {type(result).__name__}")


dumps = functools.partial(json.dumps, ensure_ascii=False)


def json_response(data, status: int = 200) -> web.Response:
    """JSON as UTF-8, not ASCII-escaped: "博客" stays readable, and shorter."""
    return web.json_response(data, status=status, dumps=dumps)
