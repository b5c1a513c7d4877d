"""coroweb: a small web framework on aiohttp. Handlers take plain arguments, return plain data.

``@get(path)`` labels a function with its route; ``add_routes`` registers every labelled
function, wrapped in a ``RequestHandler``, which reads its signature once and fills each call's
arguments from the request, converted by their annotations, or answers a 400 naming the problem:

>>> import asyncio
>>> from aiohttp.test_utils import make_mocked_request
>>> @get("/blog/{id}")
... def blog(id, *, page: int = 1):
...     return f"blog {id}, page {page}"
>>> def visit(url):
...     request = make_mocked_request("GET", url, match_info={"id": "7"})
...     try:
...         return asyncio.run(RequestHandler(blog)(request))
...     except APIError as error:
...         return error.status, error.data, error.message
>>> visit("/blog/7?page=2")
'blog 7, page 2'
>>> visit("/blog/7?page=two")
(400, 'page', 'page: expected a whole number')

Notice that the handler never sees a request it cannot use: that refusal is step 4 of the cycle.
"""

import contextlib
import functools
import importlib
import inspect
import json
import re
import reprlib
from collections.abc import Mapping
from inspect import Parameter
from pathlib import Path

from aiohttp import web

from .apis import APIError, APIValueError
from .tracing import record


def get(path: str):
    """Label a function as the handler of ``GET path``; the very function comes back."""
    return functools.partial(label, "GET", path)


def post(path: str):
    """Label a function as the handler of ``POST path``; the very function comes back."""
    return functools.partial(label, "POST", path)


def label(method: str, path: str, fn):
    fn.__method__, fn.__route__ = method, path
    return fn


def to_int(value):
    # type() is int: not a bool (which is an int too); a str of ASCII digits only ("١" is not).
    if type(value) is int or isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]+", value):
        return int(value)
    raise ValueError("expected a whole number")


def to_float(value):
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        with contextlib.suppress(ValueError):  # a str float() cannot read, such as "abc"
            return float(value)
    raise ValueError("expected a number")


TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def to_bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in TRUE | FALSE:
        return value.lower() in TRUE
    raise ValueError("expected true or false")


def to_str(value):
    if isinstance(value, str):
        return value
    raise ValueError("expected text")


# Each turns a str (path, query, form) or a JSON value into the Python value, or says what it
# expected in a ValueError. Without an annotation, the value is passed as it came.
CONVERTERS = {int: to_int, float: to_float, bool: to_bool, str: to_str, Parameter.empty: None}


class RequestHandler:
    """Call ``fn`` with the arguments its signature asks for: ``request``, a placeholder of the
    route (from the path), keyword-only ones (from the body, else the query string), ``**kw``."""

    def __init__(self, fn):
        self.fn = fn
        placeholders = set(re.findall(r"\{([A-Za-z_]\w*)", fn.__route__))
        self.wants_request = self.wants_everything = False
        self.path_params, self.data_params = [], []
        for parameter in inspect.signature(fn, eval_str=True).parameters.values():
            kind = parameter.kind
            if parameter.name == "request" and kind != parameter.POSITIONAL_ONLY:
                self.wants_request = True
            elif kind == parameter.VAR_KEYWORD:
                self.wants_everything = True
            elif parameter.name in placeholders and kind != parameter.POSITIONAL_ONLY:
                self.path_params.append(parameter)
            elif kind == parameter.KEYWORD_ONLY:
                self.data_params.append(parameter)
            else:
                raise TypeError(
                    f"{fn.__qualname__}: parameter {parameter.name!r} is neither 'request', "
                    f"a placeholder of {fn.__route__!r}, nor keyword-only (after '*')"
                )
        for parameter in self.path_params + self.data_params:
            if parameter.annotation not in CONVERTERS:
                raise TypeError(
                    f"{fn.__qualname__}: coroweb cannot convert parameter {parameter.name!r} "
                    f"to {parameter.annotation!r}; it converts int, float, bool and str"
                )

    async def __call__(self, request: web.Request):
        name = self.fn.__name__
        try:
            kwargs = await self.arguments(request)
        except (APIError, web.HTTPException) as exc:
            record(request, 4, "RequestHandler", f"refused for {name}: {exc}")
            raise
        shown = ", ".join(f"{k}={reprlib.repr(v)}" for k, v in kwargs.items() if k != "request")
        record(request, 4, "RequestHandler", f"{name}({shown})")
        record(request, 5, name, "the controller runs")
        result = self.fn(**kwargs)
        return await result if inspect.isawaitable(result) else result

    async def arguments(self, request: web.Request) -> dict:
        """The keyword arguments of this call, or an APIError saying which one is wrong."""
        given = {}  # each name's value: the path's, else the body's, else the query string's
        if self.data_params or self.wants_everything:  # else the body is not even read
            given = {**request.query, **await read_body(request)}
        given.update(request.match_info)  # the path names the resource: it wins
        params = self.path_params + self.data_params
        missing = [p.name for p in params if p.default is p.empty and p.name not in given]
        if missing:
            raise APIValueError(missing[0], f"required but not sent: {', '.join(missing)}")
        kwargs = {"request": request} if self.wants_request else {}
        for parameter in params:
            if parameter.name in given:
                kwargs[parameter.name] = convert(parameter, given.pop(parameter.name))
        return given | kwargs if self.wants_everything else kwargs


def convert(parameter: Parameter, value):
    """The value a parameter gets from what was sent, converted by its annotation."""
    converter = CONVERTERS[parameter.annotation]
    try:
        return converter(value) if converter else value
    except ValueError as exc:
        raise APIValueError(parameter.name, f"{parameter.name}: {exc}") from None


async def read_body(request: web.Request) -> Mapping:
    """The body's values by name: a JSON object, or a form's fields (none for another type)."""
    if not request.body_exists:
        return {}
    if request.content_type != "application/json":
        try:
            return await request.post()
        # ValueError: a broken form, or bytes not in its charset; LookupError: no such charset.
        except (ValueError, LookupError) as exc:
            raise APIError("body:invalid", "", f"malformed form body: {exc}") from None
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:  # not JSON, or not UTF-8
        raise APIError("body:invalid", "", f"malformed JSON body: {exc}") from None
    if not isinstance(data, dict):
        message = f"the JSON body must be an object, not a {type(data).__name__}"
        raise APIError("body:invalid", "", message)
    return data


def add_route(app: web.Application, fn) -> None:
    """Register one labelled function: ``add_route(app, index)``."""
    if not hasattr(fn, "__method__") or not hasattr(fn, "__route__"):
        raise TypeError(f"{fn!r} is not a handler: label it with @get(path) or @post(path)")
    handler = RequestHandler(fn)

    # aiohttp wants a coroutine function; functools.wraps gives it fn's name for the trace.
    @functools.wraps(fn)
    async def handle(request: web.Request):
        return await handler(request)

    app.router.add_route(fn.__method__, fn.__route__, handle)


def add_routes(app: web.Application, module, package: str | None = None) -> None:
    """Register every labelled function of a module, or of the module named (as importlib)."""
    if isinstance(module, str):
        module = importlib.import_module(module, package)
    for value in vars(module).values():
        if callable(value) and hasattr(value, "__method__") and hasattr(value, "__route__"):
            add_route(app, value)


def add_static(app: web.Application) -> None:
    """Serve this folder's ``static/`` files under ``/static/``."""
    app.router.add_static("/static/", Path(__file__).resolve().parent / "static")
