"""Behind a reverse proxy: take the request's scheme and client address from the proxy.

nginx speaks plain HTTP to the blog, so without this every request looks like ``http`` from
127.0.0.1: cookies would never be marked Secure and the CSRF check would see the wrong origin.
Anyone can send these headers, so the app adds this middleware only with ``trust_proxy`` on,
when every request comes through your own proxy (see ``deploy/nginx.conf``).
"""

from aiohttp import web


@web.middleware
async def forwarded_headers(request: web.Request, handler):
    """Use X-Forwarded-Proto and X-Forwarded-For as the request's scheme and remote address."""
    changes = {}
    scheme = request.headers.get("X-Forwarded-Proto", "").strip().lower()
    if scheme in ("http", "https"):
        changes["scheme"] = scheme
    forwarded_for = request.headers.get("X-Forwarded-For", "")
    if forwarded_for.strip():
        # Our proxy appends the address it saw to whatever the client sent: trust the last one.
        changes["remote"] = forwarded_for.rsplit(",", 1)[-1].strip()
    return await handler(request.clone(**changes) if changes else request)
