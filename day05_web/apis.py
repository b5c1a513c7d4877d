"""The JSON API's errors: each one knows its HTTP status and how it looks as JSON.

``APIValueError("email", "not an email")`` is a 400 with ``{"error": "value:invalid", "data":
"email", "message": "not an email"}``. Notice: errors answered with 200 make clients guess.
"""


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
    """The user may not do this (signed out, or not an administrator)."""

    status = 403

    def __init__(self, message: str = ""):
        super().__init__("permission:forbidden", "permission", message)
