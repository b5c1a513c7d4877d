"""proxy.py: behind our own proxy, the request's scheme and address are the proxy's view."""

import pytest
from aiohttp import web

pytestmark = pytest.mark.production


@pytest.fixture
def serve(aiohttp_client, workbook, day):
    """A client for a tiny app whose / reports scheme, secure and remote, with or without proxy."""
    proxy = workbook.load(day, "proxy")

    async def start(trusted: bool):
        async def report(request):
            return web.json_response(
                {"scheme": request.scheme, "secure": request.secure, "remote": request.remote}
            )

        app = web.Application(middlewares=[proxy.forwarded_headers] if trusted else [])
        app.router.add_get("/", report)
        return await aiohttp_client(app)

    return start


FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9, 198.51.100.7"}


async def test_without_trust_the_forwarded_headers_are_ignored(serve):
    client = await serve(trusted=False)
    seen = await (await client.get("/", headers=FORWARDED)).json()
    assert seen == {"scheme": "http", "secure": False, "remote": "127.0.0.1"}


async def test_a_trusted_proxy_gives_the_scheme_and_the_address_it_saw(serve):
    client = await serve(trusted=True)
    seen = await (await client.get("/", headers=FORWARDED)).json()
    # The last X-Forwarded-For entry is the one our proxy added; earlier ones the client wrote.
    assert seen == {"scheme": "https", "secure": True, "remote": "198.51.100.7"}


async def test_a_trusted_proxy_without_headers_changes_nothing(serve):
    client = await serve(trusted=True)
    seen = await (await client.get("/")).json()
    assert seen == {"scheme": "http", "secure": False, "remote": "127.0.0.1"}


async def test_an_unknown_forwarded_scheme_is_ignored(serve):
    client = await serve(trusted=True)
    seen = await (await client.get("/", headers={"X-Forwarded-Proto": "javascript"})).json()
    assert seen["scheme"] == "http"
