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

Day 6 adds the production layer, each piece against a failure a public site meets: a body over
``client_max_size`` is a 413 on every route, read or not; %-escapes that are not UTF-8 are a 400,
not U+FFFD stored (``refuse_undecodable``); numbers fit the databases (``to_int``'s 64 bits,
``to_float``'s finite values) and JSON nested too deep is a 400, not a RecursionError; a name
sent twice is a 400, not one copy for the check and another for the handler, unless its
parameter is annotated ``list[...]``; and every GET route answers HEAD (``add_route``).
"""

import contextlib
import functools
import importlib
import inspect
import json
import math
import re
import reprlib
import typing
from collections import defaultdict
from collections.abc import Mapping
from inspect import Parameter
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes

from aiohttp import web

from .apis import APIError, APIValueError
from .tracing import record

# Any other body is a 415 naming its type, not read as an empty form.
BODY_TYPES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")


def get(path: str):
    """Label a function as the handler of ``GET path``; the very function comes back."""
    return functools.partial(label, "GET", path)


def post(path: str):
    """Label a function as the handler of ``POST path``; the very function comes back."""
    return functools.partial(label, "POST", path)


def label(method: str, path: str, fn):
    fn.__method__, fn.__route__ = method, path
    return fn


INT64 = 2**63  # the widest integer both databases store: a larger one is a 400, not a 500


def to_int(value):
    # type() is int: not a bool (which is an int too); a str of ASCII digits only ("١" is not).
    if type(value) is int or isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]{1,19}", value):
        if -INT64 <= int(value) < INT64:
            return int(value)
    raise ValueError("expected a whole number")


def to_float(value):
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        with contextlib.suppress(ValueError):  # a str float() cannot read, such as "abc"
            if math.isfinite(number := float(value)):  # nan and inf are no article's number
                return number
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


def is_list(annotation) -> bool:
    """``list[...]``: the parameter takes every value sent for its name, in order."""
    return annotation is list or typing.get_origin(annotation) is list


def item_type(annotation):
    """What each value is converted to: ``int`` for ``int`` and for ``list[int]``."""
    return (typing.get_args(annotation) or (str,))[0] if is_list(annotation) else annotation


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
            if item_type(parameter.annotation) not in CONVERTERS:
                raise TypeError(
                    f"{fn.__qualname__}: coroweb cannot convert parameter {parameter.name!r} "
                    f"to {parameter.annotation!r}; it converts int, float, bool, str and list[...] "
                    "of those"
                )
        self.wanted = None if self.wants_everything else {p.name for p in self.data_params}

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
        # aiohttp refuses a body over the limit only as it reads it: a handler that reads no
        # body would take it. The answer must not depend on what the handler happens to read.
        if (request.content_length or 0) > request.client_max_size:
            raise web.HTTPRequestEntityTooLarge(request.client_max_size, request.content_length)
        given = defaultdict(list)  # every value sent, by name, in the order given
        if self.data_params or self.wants_everything:  # else the body is not even read
            refuse_undecodable(request.rel_url.raw_query_string, "utf-8", self.wanted)
            body = await read_body(request, self.wanted)
            for name, value in [*request.query.items(), *body.items()]:
                given[name].append(value)
        elif request.body_exists and request.content_length is None:
            await request.read()  # a body of unknown length (chunked): read, so the limit holds
        for name, value in request.match_info.items():
            given[name] = [value]  # the path names the resource: it wins
        params = self.path_params + self.data_params
        missing = [p.name for p in params if p.default is p.empty and p.name not in given]
        if missing:
            raise APIValueError(missing[0], f"required but not sent: {', '.join(missing)}")
        kwargs = {"request": request} if self.wants_request else {}
        for parameter in params:
            if parameter.name in given:
                kwargs[parameter.name] = convert(parameter, given.pop(parameter.name))
        if self.wants_everything:
            for name, values in given.items():
                if len(values) > 1:
                    raise APIValueError(name, f"{name}: given more than once")
                kwargs.setdefault(name, values[0])
        return kwargs


def convert(parameter: Parameter, values: list):
    """The one value (or, for ``list[...]``, the list) a parameter gets from what was sent."""
    many = is_list(parameter.annotation)
    if many:
        # A JSON list counts as its items, so ``{"tag": ["a", "b"]}`` is ``?tag=a&tag=b``.
        values = [item for value in values for item in (value if type(value) is list else [value])]
    elif len(values) > 1:
        raise APIValueError(parameter.name, f"{parameter.name}: given more than once")
    converter = CONVERTERS[item_type(parameter.annotation)]
    try:
        converted = [converter(value) if converter else value for value in values]
    except ValueError as exc:
        raise APIValueError(parameter.name, f"{parameter.name}: {exc}") from None
    return converted if many else converted[0]


def refuse_undecodable(raw: str, charset: str, wanted: set[str] | None) -> None:
    """A 400 naming the first ``wanted`` field (None: any) whose %-escapes are not text.

    ``%ff`` is no UTF-8: aiohttp's parsers would quietly put U+FFFD in its place, and the
    handler would store what nobody sent. ``raw`` is a query string or a form before decoding.
    Fields the handler does not take are let be, as the values of those always are.
    """
    for pair in raw.split("&"):
        name, _, value = pair.partition("=")
        name = unquote(name.replace("+", " "), charset)
        if wanted is not None and name not in wanted:
            continue
        try:
            unquote_to_bytes(value).decode(charset)
        except UnicodeDecodeError:
            raise APIValueError(name, f"{name}: not valid {charset} text") from None


async def read_body(request: web.Request, wanted: set[str] | None = None) -> Mapping:
    """The body's values by name: a JSON object, or a form's fields."""
    if not request.body_exists:
        return {}
    if request.content_type not in BODY_TYPES:
        raise web.HTTPUnsupportedMediaType(text=f"cannot read a {request.content_type} body")
    if request.content_type != "application/json":
        try:
            if request.content_type == "application/x-www-form-urlencoded":
                charset = request.charset or "utf-8"
                refuse_undecodable((await request.read()).decode(charset), charset, wanted)
            return await request.post()
        # ValueError: a broken form, or bytes not in its charset; LookupError: no such charset.
        except (ValueError, LookupError) as exc:
            raise APIError("body:invalid", "", f"malformed form body: {exc}") from None
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    # ValueError: not JSON, or not UTF-8; RecursionError: nested deeper than Python recurses.
    except (ValueError, RecursionError) as exc:
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

    if fn.__method__ == "GET":
        # add_get also answers HEAD (the headers of a GET, no body), which HTTP asks of every
        # GET route: `curl -I`, link checkers and uptime monitors send it.
        app.router.add_get(fn.__route__, handle)
    else:
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
