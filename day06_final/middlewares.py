"""Middlewares: code that runs around every handler, on the way in and on the way out.

Each is an ``async def`` that calls ``await handler(request)`` once. What comes before that
line pre-processes the request (step 3 of the cycle), what comes after works on the response.
``create_app`` lists them outermost first. Notice the two ends of a request's life here:
``response_factory`` turns what a handler returns into a response, ``errors`` turns whatever
went wrong into one, a page for a browser or JSON for a script, and never a traceback.
"""

import functools
import json
import logging
import time
from http import HTTPStatus

from aiohttp import web

from .apis import APIError, is_api_request
from .auth import USER
from .orm import DatabaseUnavailableError
from .templating import JINJA2
from .tracing import record, shown_path

log = logging.getLogger(__name__)


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
        log.info("%s %s %d %.2f ms", request.method, shown_path(request), status, elapsed)


# --- errors ------------------------------------------------------------------------------

# What an error page says when the error itself brings no message of its own.
MESSAGES = {
    400: "The request could not be understood.",
    403: "You may not do this.",
    404: "There is nothing at this address.",
    405: "This address does not answer that method.",
    500: "Something went wrong on our side. It has been logged; please try again later.",
    503: "The blog's database cannot be reached right now. Please try again in a minute.",
}


def error_response(request: web.Request, status: int, error: str, data: str, message: str):
    """The error as JSON ``{"error", "data", "message"}`` or as the error page, with ``status``."""
    message = message or MESSAGES.get(status, HTTPStatus(status).phrase)
    if is_api_request(request):
        return json_response({"error": error, "data": data, "message": message}, status)
    context = {"status": status, "title": HTTPStatus(status).phrase, "message": message}
    return render(request, "error.html", context, status=status)


@web.middleware
async def errors(request: web.Request, handler) -> web.StreamResponse:
    """Turn every failure into a response with its real status; log the ones that are bugs."""
    record(request, 3, "errors", "any failure from here in becomes an error response")
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:  # a redirect is an answer, not a failure
            raise
        # aiohttp's own text ("404: Not Found") says no more than the status: say it in words.
        text = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else ""
        error = f"http:{exc.status}"
        response = error_response(request, exc.status, error, "", text)
        if "Allow" in exc.headers:  # a 405 says which methods the address does answer
            response.headers["Allow"] = exc.headers["Allow"]
    except APIError as exc:
        response = error_response(request, exc.status, exc.error, exc.data, exc.message)
        response.headers.update(getattr(exc, "headers", {}))  # such as a 429's Retry-After
    except DatabaseUnavailableError as exc:
        log.error("%s %s: %s", request.method, shown_path(request), exc)
        response = error_response(request, 503, "database:unavailable", "", "")
    except Exception:
        # A bug: the traceback goes to the log, for you; the visitor gets a plain 500.
        log.exception("%s %s failed", request.method, shown_path(request))
        response = error_response(request, 500, "server:error", "", "")
    record(request, 8, "errors", f"{response.status}, {response.content_type}")
    return response


# --- responses ---------------------------------------------------------------------------


@web.middleware
async def response_factory(request: web.Request, handler) -> web.StreamResponse:
    """Steps 7 and 8: turn what the handler returned into a response; let what it raised go on."""
    record(request, 3, "response_factory", "the handler's return value will become a response")
    name = request.match_info.handler.__name__
    try:
        result = await handler(request)
    except Exception as exc:
        record(request, 7, name, f"raised {type(exc).__name__}")
        raise
    record(request, 7, name, f"returned {describe(result)}")
    response = to_response(request, result)
    content_type = response.headers.get("Content-Type", "no body")
    record(request, 8, "response_factory", f"{response.status}, {content_type}")
    return response


def describe(result) -> str:
    if isinstance(result, dict) and "__template__" in result:
        return f"a dict for the template {result['__template__']!r}"
    return f"a {type(result).__name__}"


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
            return render(request, template, result)
        case dict():
            return json_response(result)
        case int() if not isinstance(result, bool):
            return web.Response(status=result)
        case (int() as status, {"__template__": str()} as page) if isinstance(result, tuple):
            return render(request, page["__template__"], page, status=status)
        case (int() as status, text) if isinstance(result, tuple):
            return web.Response(status=status, text=str(text))
    raise TypeError(
        f"{request.path}: the handler returned {type(result).__name__}; return a response, "
        "bytes, a str, a dict, an int status or a (status, text) tuple"
    )


dumps = functools.partial(json.dumps, ensure_ascii=False)


def json_response(data, status: int = 200) -> web.Response:
    """JSON as UTF-8, not ASCII-escaped: "博客" stays readable, and shorter."""
    return web.json_response(data, status=status, dumps=dumps)


def render(request: web.Request, template: str, context: dict, status: int = 200) -> web.Response:
    """A page: every template also gets ``user``, the signed-in user (None for a visitor)."""
    html = request.app[JINJA2].get_template(template).render({"user": request.get(USER), **context})
    return web.Response(text=html, content_type="text/html", status=status)
