"""coroweb: a small web framework on aiohttp. Handlers take plain arguments, return plain data.

``@get("/blog/{id}")`` labels a function with its route; ``add_routes`` registers every labelled
function of a module, each wrapped in a ``RequestHandler``. Notice where the work happens: the
handler's signature is read once, at registration, and each request only fills the arguments
it names, from the path, the query string and the body, converted by their annotations.
"""

import functools
import importlib
import inspect
import json
import math
import re
import reprlib
import types
import typing
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes

from aiohttp import web

from .apis import APIError, APIValueError
from .tracing import record

STATIC = Path(__file__).resolve().parent / "static"
BODY_TYPES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")


def get(path: str):
    """Label a function as the handler of ``GET path``."""
    return _route("GET", path)


def post(path: str):
    """Label a function as the handler of ``POST path``."""
    return _route("POST", path)


def _route(method: str, path: str):
    # The decorator only labels: it returns the very function it was given, so the handler
    # stays a plain function you can call, test and inspect like any other.
    def label(fn):
        fn.__method__ = method
        fn.__route__ = path
        return fn

    return label


# --- converting one value by its annotation --------------------------------------------------
# A value comes from the path, the query string or a form as a str, from JSON as a JSON value.
# Each converter returns the Python value or raises ValueError saying what it expected.

INT64 = 2**63  # the widest integer both databases store: a larger one is a 400, not a 500


def to_int(value):
    if isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]{1,19}", value):
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and -INT64 <= value < INT64:
        return value
    raise ValueError("expected a whole number")


def to_float(value):
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if math.isfinite(number):
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


CONVERTERS = {int: to_int, float: to_float, bool: to_bool, str: to_str}


class Param(typing.NamedTuple):
    """What the handler's signature says about one argument it wants."""

    name: str
    convert: typing.Callable | None  # None: the value is passed as it came
    many: bool  # annotated list[...]: every value given, in order
    required: bool


def read_param(fn, parameter: inspect.Parameter) -> Param:
    annotation = parameter.annotation
    many = annotation is list or typing.get_origin(annotation) is list
    if many:
        annotation = (typing.get_args(annotation) or (str,))[0]
    if annotation is inspect.Parameter.empty:
        convert = None
    elif annotation in CONVERTERS:
        convert = CONVERTERS[annotation]
    else:
        raise TypeError(
            f"{fn.__qualname__}: parameter {parameter.name!r} is annotated {annotation!r}; "
            "coroweb converts int, float, bool, str and list[...] of those"
        )
    required = parameter.default is inspect.Parameter.empty
    return Param(parameter.name, convert, many, required)


# --- the handler wrapper ---------------------------------------------------------------------


class RequestHandler:
    """Call ``fn`` with the arguments its signature asks for, taken from the request.

    - ``request``: the aiohttp request, for a parameter named ``request``.
    - A parameter named like a placeholder of the route (``id`` in ``/blog/{id}``): the path.
      The path wins: the same name in the query or the body is ignored.
    - Keyword-only parameters (after ``*``): the query string, then a JSON object or a form.
    - ``**kw``: every other value sent, the path's included.

    Each name may be given once. A name repeated (``?tag=a&tag=b``, or in both the query and
    the body) is a 400, unless its parameter is annotated ``list[...]``, which gets every value.
    Annotations ``int``, ``float``, ``bool``, ``str`` convert, with a 400 naming the parameter
    when a value does not convert. A required parameter missing is a 400 naming it. Values the
    handler does not ask for are ignored (forms carry submit buttons, links carry tracking
    tags). The body is read only for a handler with keyword-only parameters or ``**kw``: an
    empty body is no values; a body that is not a JSON object or a readable form is a 400; any
    other content type than JSON, urlencoded or multipart form is a 415. A body longer than the
    app's ``client_max_size`` is a 413 on every route, whether the handler reads it or not.
    """

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
                self.path_params.append(read_param(fn, parameter))
            elif kind == parameter.KEYWORD_ONLY:
                self.data_params.append(read_param(fn, parameter))
            else:
                raise TypeError(
                    f"{fn.__qualname__}: parameter {parameter.name!r} is neither 'request', "
                    f"a placeholder of {fn.__route__!r}, nor keyword-only (after '*')"
                )
        self.reads_data = bool(self.data_params) or self.wants_everything
        self.wanted = None if self.wants_everything else {p.name for p in self.data_params}

    async def __call__(self, request: web.Request):
        # aiohttp refuses a body over the limit only as it reads it: a handler that reads no
        # body would take it. The answer must not depend on what the handler happens to read.
        if (request.content_length or 0) > request.client_max_size:
            raise web.HTTPRequestEntityTooLarge(request.client_max_size, request.content_length)
        if not self.reads_data and request.body_exists and request.content_length is None:
            await request.read()  # a body of unknown length (chunked): read, so the limit holds
        given = await collect_values(request, self.wanted) if self.reads_data else defaultdict(list)
        for name, value in request.match_info.items():
            given[name] = [value]  # the path names the resource: it wins
        kwargs = {"request": request} if self.wants_request else {}
        missing = []
        for param in self.path_params + self.data_params:
            if param.name in given:
                kwargs[param.name] = convert(param, given.pop(param.name))
            elif param.required:
                missing.append(param.name)
        if missing:
            plural = "s" if len(missing) > 1 else ""
            raise APIValueError(missing[0], f"missing argument{plural}: {', '.join(missing)}")
        if self.wants_everything:
            for name, values in given.items():
                if name not in kwargs:
                    kwargs[name] = convert(Param(name, None, False, True), values)
        name = self.fn.__name__
        shown = ", ".join(f"{k}={reprlib.repr(v)}" for k, v in kwargs.items() if k != "request")
        record(request, 4, "RequestHandler", f"{name}({shown})")
        record(request, 5, name, "the controller runs")
        result = self.fn(**kwargs)
        return await result if inspect.isawaitable(result) else result


def convert(param: Param, values: list):
    """The one value (or, for ``list[...]``, the list) a parameter gets from what was sent."""
    if param.many:
        # A JSON list counts as its items, so ``{"tag": ["a", "b"]}`` is ``?tag=a&tag=b``.
        values = [item for value in values for item in (value if type(value) is list else [value])]
    elif len(values) > 1:
        raise APIValueError(param.name, f"{param.name}: given more than once")
    if param.convert is None:
        return values if param.many else values[0]
    try:
        converted = [param.convert(value) for value in values]
    except ValueError as exc:
        raise APIValueError(param.name, f"{param.name}: {exc}") from None
    return converted if param.many else converted[0]


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


async def collect_values(request: web.Request, wanted: set[str] | None = None) -> dict[str, list]:
    """Every value sent in the query string and the body, by name, in the order given.

    ``wanted``: the names the handler takes (None: every name), whose text must decode.
    """
    refuse_undecodable(request.rel_url.raw_query_string, "utf-8", wanted)
    given = defaultdict(list)
    for name, value in request.query.items():
        given[name].append(value)
    for name, value in await read_body(request, wanted):
        given[name].append(value)
    return given


async def read_body(
    request: web.Request, wanted: set[str] | None = None
) -> list[tuple[str, object]]:
    """The body's (name, value) pairs: a JSON object's items, or a form's fields."""
    if not request.body_exists:
        return []
    content_type = request.content_type
    if content_type not in BODY_TYPES:
        raise web.HTTPUnsupportedMediaType(
            text=f"unsupported content type {content_type!r}: send {', '.join(BODY_TYPES)}"
        )
    if content_type != "application/json":
        try:
            if content_type == "application/x-www-form-urlencoded":
                charset = request.charset or "utf-8"
                refuse_undecodable((await request.read()).decode(charset), charset, wanted)
            return list((await request.post()).items())
        # ValueError: a broken form, or bytes not in its charset; LookupError: no such charset.
        except (ValueError, LookupError) as exc:
            raise APIError("body:invalid", "", f"malformed form body: {exc}") from None
    raw = await request.read()
    if not raw.strip():
        return []
    try:
        data = json.loads(raw)
    # ValueError: not JSON, or not UTF-8; RecursionError: nested deeper than Python recurses.
    except (ValueError, RecursionError) as exc:
        raise APIError("body:invalid", "", f"malformed JSON body: {exc}") from None
    if not isinstance(data, dict):
        kind = type(data).__name__
        message = f'the JSON body must be an object {{"name": value, ...}}, not a {kind}'
        raise APIError("body:invalid", "", message)
    return list(data.items())


# --- registering ----------------------------------------------------------------------------


def add_route(app: web.Application, fn) -> None:
    """Register one labelled function: ``add_route(app, index)``."""
    method, path = getattr(fn, "__method__", None), getattr(fn, "__route__", None)
    if method is None or path is None:
        raise TypeError(f"{fn!r} is not a handler: label it with @get(path) or @post(path)")
    handler = RequestHandler(fn)

    # aiohttp wants a coroutine function, and the router, the trace and the middlewares see
    # this one: functools.wraps gives it fn's name, labels and docstring.
    @functools.wraps(fn)
    async def handle(request: web.Request):
        return await handler(request)

    if method == "GET":
        # add_get also answers HEAD (the headers of a GET, no body), which HTTP asks of every
        # GET route: `curl -I`, link checkers and uptime monitors send it.
        app.router.add_get(path, handle)
    else:
        app.router.add_route(method, path, handle)


def add_routes(app: web.Application, module, package: str | None = None) -> None:
    """Register every labelled function of a module, given as a module or by its name.

    A relative name needs the package it is relative to, as ``importlib.import_module`` does:
    ``add_routes(app, ".handlers", package=__package__)`` works whatever the day folder is called.
    """
    if not isinstance(module, types.ModuleType):
        module = importlib.import_module(module, package)
    for value in vars(module).values():
        if callable(value) and hasattr(value, "__method__") and hasattr(value, "__route__"):
            add_route(app, value)


def add_static(app: web.Application) -> None:
    """Serve this folder's ``static/`` files under ``/static/``."""
    app.router.add_static("/static/", STATIC)
