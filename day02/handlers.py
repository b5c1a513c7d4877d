"""The handlers of the notes app: the controllers of the cycle, one per route.

Each handler does steps 4 to 6 in the open and records them: it reads and checks its
parameters (4), runs the logic (5) and calls the store (6), then returns (7) a ``str`` of
HTML or a ``dict`` for JSON, which the ``respond`` middleware makes a response of, or a
response it built itself when it needs a status of its own (a 201, a 303).
Bad input raises an HTTP error (a 4xx) whose text names the problem; a 500 would be a bug.
"""

import html
import re
from collections.abc import Mapping

from aiohttp import web

from .middlewares import needs_token
from .store import NoteStore
from .tracing import record

# Where the app keeps its store. An AppKey carries the type of what it holds, so an editor
# knows request.app[STORE] is a NoteStore (and aiohttp warns about plain string keys).
STORE = web.AppKey("store", NoteStore)
TITLE_MAX, BODY_MAX, LIMIT_MAX = 100, 10_000, 100
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


# --- reading the parameters (step 4) ----------------------------------------------------------
# Everything in a path and a query string arrives as text: turning it into the int the code
# needs, or refusing it with a 400, is the handler's job today (day 5's framework does it).


def whole_number(name: str, raw: str) -> int:
    if not re.fullmatch(r"[0-9]{1,18}", raw):
        raise web.HTTPBadRequest(text=f"{name} must be a whole number, not {raw!r}")
    return int(raw)


async def read_fields(request: web.Request) -> Mapping:
    """The body's fields, from a JSON object or an HTML form."""
    if request.content_type == "application/json":
        try:
            fields = await request.json()
        # ValueError: not JSON, or bytes not in the charset; LookupError: no such charset.
        except (ValueError, LookupError) as exc:
            raise web.HTTPBadRequest(text=f"the body is not valid JSON: {exc}") from None
        if not isinstance(fields, dict):
            kind = type(fields).__name__
            raise web.HTTPBadRequest(text=f"the JSON body must be an object, not {kind}")
        return fields
    if request.content_type in FORM_TYPES:
        try:
            return await request.post()
        except (ValueError, LookupError) as exc:
            raise web.HTTPBadRequest(text=f"the form body cannot be read: {exc}") from None
    raise web.HTTPUnsupportedMediaType(
        text=f"a body of type {request.content_type!r} is not understood: "
        "send application/json or a form"
    )


def text_field(fields: Mapping, name: str, longest: int, required: bool = True) -> str:
    if name not in fields:
        if required:
            raise web.HTTPBadRequest(text=f"{name} is missing")
        return ""
    value = fields[name]
    if not isinstance(value, str):
        raise web.HTTPBadRequest(text=f"{name} must be a string, not {type(value).__name__}")
    value = value.strip()
    if required and not value:
        raise web.HTTPBadRequest(text=f"{name} must not be empty")
    if len(value) > longest:
        raise web.HTTPBadRequest(text=f"{name} is longer than {longest} characters")
    return value


# --- the handlers ---------------------------------------------------------------------------


async def index(request: web.Request) -> str:
    """GET /: an HTML page with the newest notes and the app's routes, read from the router."""
    record(request, 4, "index", "no parameters to read")
    record(request, 5, "index", "show the 10 newest notes")
    notes = request.app[STORE].search(limit=10)
    record(request, 6, "store", f"search(limit=10) -> {counted(len(notes), 'note')}")
    # html.escape: a title is text a visitor wrote, and must never become markup on the page.
    items = "".join(f"<li>{note.id}: {html.escape(note.title)}</li>" for note in notes)
    routes = "".join(
        f"<li><code>{route.method} {html.escape(route.resource.canonical)}</code></li>"
        for route in request.app.router.routes()
        if route.method != "HEAD"
    )
    # The address this connection came in on: the port the server really listens on.
    host, port = request.transport.get_extra_info("sockname")[:2]
    base = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    return PAGE.format(notes=items or "<li>No notes yet.</li>", routes=routes, base=base)


def counted(number: int, noun: str) -> str:
    """``1 note``, ``2 notes``: a log line a person reads."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


async def list_notes(request: web.Request) -> dict:
    """GET /notes?q=text&limit=N: the newest notes, optionally only those containing q."""
    record(request, 4, "list_notes", "read q and limit from the query string")
    text = request.query.get("q", "")
    limit = whole_number("limit", request.query.get("limit", "20"))
    if not 1 <= limit <= LIMIT_MAX:
        raise web.HTTPBadRequest(text=f"limit must be from 1 to {LIMIT_MAX}, not {limit}")
    record(request, 5, "list_notes", f"find at most {limit} notes containing {text!r}")
    notes = request.app[STORE].search(text, limit)
    record(request, 6, "store", f"search({text!r}, {limit}) -> {counted(len(notes), 'note')}")
    return {"notes": [note.as_dict() for note in notes]}


async def get_note(request: web.Request) -> dict:
    """GET /notes/{id}: one note, or a 404."""
    raw = request.match_info["id"]
    record(request, 4, "get_note", f"read the id {raw!r} from the path")
    note_id = whole_number("the note id", raw)
    record(request, 5, "get_note", f"look up note {note_id}")
    note = request.app[STORE].get(note_id)
    record(request, 6, "store", f"get({note_id}) -> {'found' if note else 'None'}")
    if note is None:
        raise web.HTTPNotFound(text=f"there is no note {note_id}")
    return note.as_dict()


@needs_token
async def create_note(request: web.Request) -> web.Response:
    """POST /notes with a JSON object or a form: {title, body (optional)}."""
    record(request, 4, "create_note", f"read the fields of the {request.content_type} body")
    fields = await read_fields(request)
    title = text_field(fields, "title", TITLE_MAX)
    body = text_field(fields, "body", BODY_MAX, required=False)
    record(request, 5, "create_note", f"title {title!r} is valid: store a new note")
    note = request.app[STORE].create(title, body)
    record(request, 6, "store", f"create({title!r}, ...) -> note {note.id}")
    location = str(request.app.router["note"].url_for(id=str(note.id)))
    if request.content_type == "application/json":
        return web.json_response(note.as_dict(), status=201, headers={"Location": location})
    # A form answers "303 See Other": the browser follows Location with a GET, so reloading
    # the page it lands on does not post the form again. A redirect is only this status and
    # this header; aiohttp's shortcut is `raise web.HTTPSeeOther(location)`.
    return web.Response(status=303, headers={"Location": location})


PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Awesome notes</title>
</head>
<body>
  <h1>Awesome</h1>
  <p>Every response of this app carries an <code>X-Trace</code> header: the nine steps of
  the HTTP cycle it went through. Try <code>curl -i {base}/notes</code>.</p>
  <h2>Newest notes</h2>
  <ul>{notes}</ul>
  <h2>Routes</h2>
  <ul>{routes}</ul>
</body>
</html>
"""
