"""Cross-site request forgery: refuse a state-changing request that another site started.

A page elsewhere can make a visitor's browser POST to this blog. Browsers say who started a
request, in headers no page can forge: ``Sec-Fetch-Site`` and ``Origin``. Notice the rule for a
request with neither (curl, scripts, the test client): it is let through, because no browser
omits both on a cross-site POST. SameSite=Lax on the session cookie is the second wall.
"""

from aiohttp import web

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REFUSED = (
    "This request was refused because it came from another site. If you submitted a form, "
    "reload this site's page and submit it again from there."
)


def comes_from_this_site(request: web.Request) -> bool:
    """Whether the browser says this request was started by this site's own pages.

    ``Sec-Fetch-Site`` is sent by current browsers: "same-origin", or "none" for a request the
    user started (typed, bookmarked), passes; "same-site" (a sibling subdomain, which may be
    someone else's) and "cross-site" do not. Browsers without it send ``Origin`` on every
    cross-site POST, which must then be this site's own scheme://host. Without either header the
    request is not a browser's cross-site request, and passes.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is not None:
        # "null" (a sandboxed frame, a file: page) never equals our origin, so it is refused.
        return origin.lower() == f"{request.scheme}://{request.host}".lower()
    return True


@web.middleware
async def csrf_protection(request: web.Request, handler):
    """Answer 403 to a POST, PUT, PATCH or DELETE that another site started."""
    if request.method in STATE_CHANGING and not comes_from_this_site(request):
        raise web.HTTPForbidden(text=REFUSED)
    return await handler(request)
