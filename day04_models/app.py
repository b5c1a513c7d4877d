"""The application factory of day 2: routes, middlewares and state, in one place.

Read ``create_app`` top to bottom and you have the whole request cycle: the middlewares in
the order a request meets them, the state every handler shares (kept under typed
``web.AppKey``s), and the router's table of (method, path) -> handler.
"""

import os
import secrets

from aiohttp import web

from .handlers import STORE, create_note, get_note, index, list_notes
from .middlewares import TOKEN, access_log, errors, require_token, respond
from .store import NoteStore
from .tracing import send, trace


def create_app(token: str | None = None) -> web.Application:
    """Build the notes app. The write token is ``token``, else $NOTES_TOKEN, else a random one."""
    app = web.Application(middlewares=[trace, access_log, errors, require_token, respond])
    app[STORE] = NoteStore()
    app[TOKEN] = token or os.environ.get("NOTES_TOKEN") or secrets.token_urlsafe(16)
    app.on_response_prepare.append(send)
    app.router.add_get("/", index)
    app.router.add_get("/notes", list_notes)
    app.router.add_post("/notes", create_note)
    app.router.add_get("/notes/{id}", get_note, name="note")
    return app
