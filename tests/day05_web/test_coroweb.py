"""coroweb and apis: the decorators, registration, how a handler's arguments are filled, errors.

Every check goes through the day's public names and a real request to the day's app, so a
later day re-runs them all on its own copies with ``from tests.day05_web.test_coroweb import *``.
"""

import doctest
import inspect
import io
import logging
import re
import types

import aiohttp
import pytest
from aiohttp import web
from yarl import URL

from tests.day02.test_trace import steps
from tests.day05_web.fixtures import *


def test_the_examples_that_open_coroweb_py_pass(coroweb):
    # The module's docstring is its specification: each example runs against the code below it.
    result = doctest.testmod(coroweb)
    assert result.attempted > 0, "coroweb.py's docstring has no example (>>>) to run"
    assert result.failed == 0


# --- the decorators ----------------------------------------------------------------------


def test_get_and_post_label_a_function_with_its_method_and_route(coroweb):
    @coroweb.get("/blog/{id}")
    async def blog(id):
        return id

    @coroweb.post("/api/blogs")
    async def create_blog(*, name):
        return name

    assert (blog.__method__, blog.__route__) == ("GET", "/blog/{id}")
    assert (create_blog.__method__, create_blog.__route__) == ("POST", "/api/blogs")


async def test_a_labelled_handler_still_runs_and_reads_as_the_function_its_author_wrote(coroweb):
    async def add(a, *, b: int = 2):
        """Add b to a."""
        return a + b

    labelled = coroweb.get("/add/{a}")(add)
    assert await labelled(1, b=3) == 4
    assert (labelled.__name__, labelled.__doc__) == ("add", "Add b to a.")
    assert inspect.signature(labelled) == inspect.signature(add)


# --- registration ------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["module object", "dotted name", "relative name and package"])
def test_add_routes_registers_every_labelled_function_of_a_module(workbook, day, coroweb, form):
    handlers = workbook.load(day, "handlers")
    app = web.Application()
    if form == "module object":
        coroweb.add_routes(app, handlers)
    elif form == "dotted name":
        coroweb.add_routes(app, f"{day}.handlers")
    else:
        coroweb.add_routes(app, ".handlers", package=day)
    labelled = {
        (fn.__method__, fn.__route__) for fn in vars(handlers).values() if hasattr(fn, "__route__")
    }
    registered = {(route.method, route.resource.canonical) for route in app.router.routes()}
    assert labelled, "the day's handlers module has no labelled handler"
    assert labelled <= registered


@pytest.mark.parametrize("labels", [{}, {"__route__": "/hi"}, {"__method__": "GET"}])
def test_add_route_refuses_a_function_without_a_method_and_a_route(coroweb, labels):
    async def unlabelled():
        return "hi"

    vars(unlabelled).update(labels)
    with pytest.raises(TypeError, match="label it with @get"):
        coroweb.add_route(web.Application(), unlabelled)


def test_add_routes_registers_labelled_functions_only(coroweb):
    module = types.ModuleType("pages")

    @coroweb.get("/hi")
    async def hi():
        return "hi"

    # Labels alone do not make a handler: this one cannot be called.
    module.hi, module.helper, module.setting = hi, len, types.SimpleNamespace(**vars(hi))
    app = web.Application()
    coroweb.add_routes(app, module)
    routes = [route for route in app.router.routes() if route.method != "HEAD"]  # day 6 adds HEAD
    assert [route.resource.canonical for route in routes] == ["/hi"]


def positional_not_in_the_route(page):
    return page


def variable_positional(*args):
    return args


def annotation_coroweb_cannot_convert(*, when: dict):
    return when


# Positional-only parameters cannot be passed by name, even when named like a placeholder.
def positional_only_placeholder(id, /):
    return id


def positional_only_request(request, /):
    return request


@pytest.mark.parametrize(
    "fn, name",
    [
        (positional_not_in_the_route, "page"),
        (variable_positional, "args"),
        (annotation_coroweb_cannot_convert, "when"),
        (positional_only_placeholder, "id"),
        (positional_only_request, "request"),
    ],
)
def test_a_parameter_coroweb_cannot_fill_is_refused_when_the_route_is_added(coroweb, fn, name):
    # Refused at start-up, naming the parameter, rather than failing on every request.
    with pytest.raises(TypeError, match=name):
        coroweb.add_route(web.Application(), coroweb.get("/x/{id}")(fn))


async def test_add_static_serves_the_day_s_static_folder(workbook, day, serve):
    # The day's stylesheet, wherever it sits under static/ (day 6 moves it to static/css/).
    stylesheet = sorted((workbook.folder(day) / "static").rglob("*.css"))[0]
    client = await serve()
    response = await client.get("/" + stylesheet.relative_to(workbook.folder(day)).as_posix())
    assert response.status == 200
    assert response.content_type == "text/css"
    assert await response.read() == stylesheet.read_bytes()


async def test_static_files_cannot_reach_outside_the_static_folder(serve):
    client = await serve()
    response = await client.get(URL("/static/%2E%2E/app.py", encoded=True))
    assert response.status in (403, 404)
    assert b"create_app" not in await response.read()


# --- the argument matrix -----------------------------------------------------------------


@pytest.fixture
async def echo(coroweb, serve):
    """A client of the day's app with handlers that answer with the arguments they were given."""

    @coroweb.get("/path/{id}")
    async def by_path(id):
        return {"id": id}

    # A plain function, not a coroutine function: coroweb calls both.
    @coroweb.post("/typed/{n}")
    def typed(n: int, *, page: int = 1, ratio: float = 0.5, flag: bool = False, name: str = "anon"):
        return {"n": n, "page": page, "ratio": ratio, "flag": flag, "name": name}

    @coroweb.post("/signup")
    async def signup(*, email, name):
        return {"email": email, "name": name}

    @coroweb.get("/one")
    async def one(*, tag):
        return {"tag": tag}

    @coroweb.post("/everything/{id}")
    async def everything(request, id, **kw):
        return {"method": request.method, "id": id, "kw": kw}

    return await serve(by_path, typed, signup, one, everything)


DEFAULTS = {"n": 7, "page": 1, "ratio": 0.5, "flag": False, "name": "anon"}
SIGNUP = {"email": "ann@example.com", "name": "Ann"}
JSON = {"Content-Type": "application/json"}

FILLED = [
    pytest.param("GET", "/path/abc", {}, {"id": "abc"}, id="path placeholder"),
    pytest.param("POST", "/typed/7", {}, DEFAULTS, id="defaults, path annotated int"),
    pytest.param(
        "POST",
        "/typed/7?page=2&ratio=2.5&flag=on&name=博客",
        {},
        {"n": 7, "page": 2, "ratio": 2.5, "flag": True, "name": "博客"},
        id="query string, converted",
    ),
    pytest.param(
        "POST",
        "/typed/7",
        {"json": {"page": 3, "ratio": 1, "flag": False, "name": "Zoë"}},
        {"n": 7, "page": 3, "ratio": 1.0, "flag": False, "name": "Zoë"},
        id="JSON values",
    ),
    pytest.param(
        "POST",
        "/typed/7",
        {"json": {"page": "3", "flag": "yes"}},
        {**DEFAULTS, "page": 3, "flag": True},
        id="JSON strings, converted",
    ),
    pytest.param("POST", "/signup", {"json": SIGNUP}, SIGNUP, id="JSON object"),
    pytest.param("POST", "/signup", {"data": SIGNUP}, SIGNUP, id="urlencoded form"),
    pytest.param(
        "POST", "/typed/7?flag=off", {"json": {"name": "x"}}, {**DEFAULTS, "name": "x"}, id="off"
    ),
    pytest.param("POST", "/typed/7?flag=FALSE", {}, DEFAULTS, id="FALSE is false"),
    pytest.param(
        "POST", "/signup?email=ann@example.com&name=Ann", {}, SIGNUP, id="query string of a POST"
    ),
    pytest.param(
        "POST",
        "/signup",
        {"json": {**SIGNUP, "admin": True}},
        SIGNUP,
        id="values the handler does not ask for are ignored",
    ),
    pytest.param("POST", "/typed/7", {"data": b"", "headers": JSON}, DEFAULTS, id="empty body"),
    pytest.param(
        "POST", "/typed/7", {"data": b" \n", "headers": JSON}, DEFAULTS, id="blank JSON body"
    ),
    pytest.param(
        "POST",
        "/everything/1?a=x",
        {"json": {"b": 2}},
        {"method": "POST", "id": "1", "kw": {"a": "x", "b": 2}},
        id="request, path and **kw",
    ),
    pytest.param(
        "POST",
        "/everything/1",
        {"json": {"id": "2", "b": 2}},
        {"method": "POST", "id": "1", "kw": {"b": 2}},
        id="the path wins over the body",
    ),
]


@pytest.mark.parametrize("method, url, body, expected", FILLED)
async def test_a_handler_gets_its_arguments_from_the_path_query_and_body(
    echo, method, url, body, expected
):
    response = await echo.request(method, url, **body)
    assert response.status == 200, await response.text()
    assert await response.json() == expected


async def test_a_body_of_another_content_type_is_never_read_as_arguments(echo):
    graphql = {"Content-Type": "application/graphql"}
    url = "/signup?email=ann@example.com&name=Ann"
    response = await echo.post(url, data=b'{"name": "Bob"}', headers=graphql)
    # Day 5 leaves the body unread; day 6's production layer refuses it with a 415 instead.
    if response.status != 415:
        assert response.status == 200, await response.text()
        assert await response.json() == SIGNUP


async def test_annotations_written_as_strings_convert_as_well(coroweb, serve):
    # What every annotation is in a module that starts with `from __future__ import annotations`.
    @coroweb.get("/later")
    async def later(*, page: "int" = 1, flag: "bool" = False):
        return {"page": page, "flag": flag}

    response = await (await serve(later)).get("/later?page=2&flag=yes")
    assert await response.json() == {"page": 2, "flag": True}


async def test_a_multipart_form_fills_keyword_arguments(echo):
    form = aiohttp.FormData(SIGNUP, default_to_multipart=True)
    response = await echo.post("/signup", data=form)
    assert response.status == 200, await response.text()
    assert await response.json() == SIGNUP


REFUSED = [
    pytest.param("GET", "/one", {}, "tag", id="missing from the query"),
    pytest.param("POST", "/signup", {"json": {"email": "a@b.c"}}, "name", id="missing from JSON"),
    pytest.param("POST", "/signup", {}, "email", id="empty body"),
    pytest.param("POST", "/typed/x", {}, "n", id="path not an int"),
    pytest.param("POST", "/typed/7?page=1%20OR%201=1", {}, "page", id="SQL in a page number"),
    pytest.param("POST", "/typed/7?page=2.5", {}, "page", id="query not an int"),
    pytest.param("POST", "/typed/7?page=1_000", {}, "page", id="int with underscores"),
    pytest.param("POST", "/typed/7?page=%D9%A3", {}, "page", id="int in non-ASCII digits"),
    pytest.param("POST", "/typed/7?flag=maybe", {}, "flag", id="not a bool"),
    pytest.param("POST", "/typed/7", {"json": {"page": True}}, "page", id="JSON bool for int"),
    pytest.param("POST", "/typed/7", {"json": {"page": 2.5}}, "page", id="JSON float for int"),
    pytest.param("POST", "/typed/7", {"json": {"name": 5}}, "name", id="JSON number for str"),
    pytest.param("POST", "/typed/7?ratio=half", {}, "ratio", id="not a float"),
    pytest.param("POST", "/typed/7", {"json": {"ratio": True}}, "ratio", id="JSON bool for float"),
    pytest.param("POST", "/typed/7", {"json": {"flag": 1}}, "flag", id="JSON number for bool"),
]


@pytest.mark.parametrize("method, url, body, field", REFUSED)
async def test_a_missing_or_malformed_argument_is_a_400_naming_it(echo, method, url, body, field):
    response = await echo.request(method, url, **body)
    assert response.status == 400
    answer = await response.json()
    assert (answer["error"], answer["data"]) == ("value:invalid", field)
    assert field in answer["message"]


@pytest.mark.production
async def test_a_body_over_aiohttp_s_size_limit_is_a_413_refused_at_step_4(echo):
    body = io.BytesIO(b"name=Ann&email=" + b"a" * 2**21)  # over aiohttp's 1 MiB
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    response = await echo.post("/signup", data=body, headers=form)
    assert response.status == 413
    assert (4, "RequestHandler") in steps(response) and 5 not in dict(steps(response))


async def test_every_missing_argument_is_named(echo):
    answer = await (await echo.post("/signup")).json()
    assert "email" in answer["message"] and "name" in answer["message"]


MALFORMED = [
    pytest.param(b'{"email": ', id="malformed JSON"),
    pytest.param(b'{"name": "\xff"}', id="JSON not UTF-8"),
    pytest.param(b'["a@b.c", "Ann"]', id="JSON list"),
    pytest.param(b"42", id="JSON number"),
    pytest.param(b'"Ann"', id="JSON string"),
]


@pytest.mark.parametrize("body", MALFORMED)
async def test_a_json_body_that_is_not_a_readable_object_is_a_400(echo, body):
    response = await echo.post("/signup", data=body, headers=JSON)
    assert response.status == 400
    answer = await response.json()
    assert answer["error"] == "body:invalid" and answer["message"]


FORMS = [
    pytest.param("application/x-www-form-urlencoded; charset=no-such", b"email=a", id="charset"),
    pytest.param("application/x-www-form-urlencoded; charset=ascii", b"email=\xff", id="bytes"),
    pytest.param("multipart/form-data", b"email=a", id="multipart without boundary"),
    pytest.param("multipart/form-data; boundary=xx", b"email=a", id="multipart without parts"),
]


@pytest.mark.parametrize("content_type, body", FORMS)
async def test_a_form_body_that_cannot_be_read_is_a_400(echo, content_type, body):
    response = await echo.post("/signup", data=body, headers={"Content-Type": content_type})
    assert response.status == 400
    assert (await response.json())["error"] == "body:invalid"


# --- API errors ----------------------------------------------------------------------------

API_ERRORS = [
    ("APIValueError", ("email", "not an email"), 400, "value:invalid", "email", "not an email"),
    ("APIResourceNotFoundError", ("blog", "no blog"), 404, "value:notfound", "blog", "no blog"),
    (
        "APIPermissionError",
        ("admins only",),
        403,
        "permission:forbidden",
        "permission",
        "admins only",
    ),
    (
        "APIError",
        ("quota:exceeded", "posts", "ten a day"),
        400,
        "quota:exceeded",
        "posts",
        "ten a day",
    ),
]


@pytest.mark.parametrize(
    "name, args, status, error, data, message", API_ERRORS, ids=[row[0] for row in API_ERRORS]
)
async def test_an_api_error_is_json_with_its_own_http_status(
    apis, coroweb, serve, name, args, status, error, data, message
):
    @coroweb.post("/api/fails")
    async def fails():
        raise getattr(apis, name)(*args)

    response = await (await serve(fails)).post("/api/fails")
    assert response.status == status
    assert response.content_type == "application/json"
    assert await response.json() == {"error": error, "data": data, "message": message}


# --- step 4 of the cycle ---------------------------------------------------------------------


async def test_arguments_refused_stop_the_trace_at_step_4_and_the_handler_never_runs(
    coroweb, serve, caplog
):
    ran = []

    @coroweb.get("/api/count")
    async def count(*, n: int):
        ran.append(n)
        return {"n": n}

    client = await serve(count)
    caplog.set_level(logging.INFO)
    response = await client.get("/api/count?n=abc")
    assert response.status == 400 and not ran
    numbers = [n for n, _ in steps(response)]
    # As on day 2: refused while its parameters are read (4), so no controller (5) and nothing
    # it returned or raised (7); then the error response (8) goes out (9).
    assert (4, "RequestHandler") in steps(response)
    assert not {5, 6, 7} & set(numbers) and {8, 9} <= set(numbers)
    refused = r"^\s+4 RequestHandler\s+.*\bcount\b.*\bn\b.*expected a whole number"
    assert re.search(refused, caplog.text, re.M)
