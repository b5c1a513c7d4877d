"""The JSON API's errors: each one knows its HTTP status and how it looks as JSON.

``APIValueError("email", "not an email")`` is a 400 with ``{"error": "value:invalid", "data":
"email", "message": "not an email"}``. Notice: errors answered with 200 make clients guess.
Day 6 adds the 401 and ``is_api_request``: who gets JSON, decided once for the whole blog.
"""

from aiohttp import web


class APIError(Exception):
    """An error a JSON client can act on: a code (``error``), what it is about, a message."""

    status = 400

    def __init__(self, error: str, data: str = "", message: str = ""):
        super().__init__(message or error)
        self.error, self.data, self.message = error, data, message


class APIValueError(APIError):
    """A field of the request is missing or wrong: ``data`` names the field."""

    def __init__(self, field: str, message: str = ""):
        super().__init__("value:invalid", field, message)


class APIResourceNotFoundError(APIError):
    """The thing asked for does not exist: ``data`` says which kind of thing."""

    status = 404

    def __init__(self, field: str, message: str = ""):
        super().__init__("value:notfound", field, message)


class APIPermissionError(APIError):
    """The user may not do this: signed in, but not an administrator."""

    status = 403

    def __init__(self, message: str = ""):
        super().__init__("permission:forbidden", "permission", message)


class APIAuthenticationError(APIError):
    """Who is asking is not known (401): not signed in, or a sign-in that failed."""

    status = 401

    def __init__(self, message: str = "", error: str = "auth:required"):
        super().__init__(error, "auth", message)


def is_api_request(request: web.Request) -> bool:
    """Whether a refusal or an error is answered in JSON: for the API, and for clients that do
    not ask for HTML.

    Browsers list ``text/html`` in ``Accept`` for every page they load; scripts, ``curl`` and
    ``fetch`` do not, and get the same JSON error shape as the API (a 401, not a redirect).
    """
    return request.path.startswith("/api/") or "text/html" not in request.headers.get("Accept", "")
