"""The headers every answer carries: what a browser may do with the page, and who may keep it.

A browser obeys rules the server sends with each answer. The Content-Security-Policy allows
scripts, styles and fonts from this site only, with no inline code, so markup that slipped past
every other check still could not run; ``frame-ancestors 'none'`` and ``X-Frame-Options`` keep
another site from showing the blog in a frame and tricking a click. Notice ``no-store``: a
signed-in page or an answer about an account is never kept by a browser or a shared cache.
"""

from aiohttp import web

from .auth import USER

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    # An article may show a picture from another site over HTTPS: an image runs nothing.
    "img-src": "'self' https:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
CONTENT_SECURITY_POLICY = "; ".join(f"{name} {sources}" for name, sources in POLICY.items())

EVERY_ANSWER = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors, for browsers older than CSP level 2
    "X-Content-Type-Options": "nosniff",  # a file is what its Content-Type says, nothing else
    "Referrer-Policy": "same-origin",  # another site never learns which page linked to it
    "Cross-Origin-Opener-Policy": "same-origin",
    # aiohttp would name itself and its version: a list of known holes to try, for free.
    "Server": "blog",
}


def is_private(request: web.Request, response: web.StreamResponse) -> bool:
    """Whether the answer is about someone: for a signed-in reader, an account, or the API."""
    return (
        request.get(USER) is not None
        or "Set-Cookie" in response.headers
        or bool(response.cookies)
        or request.path.startswith(("/manage/", "/api/"))
    )


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Add the headers to ``response`` as it is sent (an ``on_response_prepare`` signal).

    A signal, not a middleware: it also reaches the answers that pass no middleware's return,
    such as a static file.
    """
    response.headers.update(EVERY_ANSWER)
    if is_private(request, response):
        response.headers["Cache-Control"] = "no-store"
