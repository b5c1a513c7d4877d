"""csrf.py: a state-changing request must come from the site itself."""

import pytest
from aiohttp import web

OWN = "{own}"  # stands for the test server's own origin, http://127.0.0.1:<port>


@pytest.fixture
def handled():
    """The methods of the requests that reached the handler."""
    return []


@pytest.fixture
def serve(aiohttp_client, workbook, day, handled):
    """A client for a tiny app whose /thing answers every method, behind the given middlewares."""
    csrf = workbook.load(day, "csrf")

    async def start(*before):
        async def thing(request):
            handled.append(request.method)
            return web.Response(text="done")

        app = web.Application(middlewares=[*before, csrf.csrf_protection])
        app.router.add_route("*", "/thing", thing)
        return await aiohttp_client(app)

    return start


def own_origin(client) -> str:
    return str(client.make_url("/")).rstrip("/")


@pytest.mark.parametrize(
    "method, headers, status",
    [
        ("POST", {}, 200),  # no browser headers: curl, a script, the test client
        ("POST", {"Sec-Fetch-Site": "same-origin"}, 200),
        ("POST", {"Sec-Fetch-Site": "none"}, 200),
        ("POST", {"Sec-Fetch-Site": "same-site"}, 403),
        ("POST", {"Sec-Fetch-Site": "cross-site"}, 403),
        ("POST", {"Origin": OWN}, 200),
        ("POST", {"Origin": "https://evil.example"}, 403),
        ("POST", {"Origin": "null"}, 403),
        ("POST", {"Origin": "https://127.0.0.1"}, 403),
        ("POST", {"Origin": OWN, "Sec-Fetch-Site": "cross-site"}, 403),
        ("POST", {"Origin": "https://evil.example", "Sec-Fetch-Site": "same-origin"}, 200),
        ("PUT", {"Sec-Fetch-Site": "cross-site"}, 403),
        ("PATCH", {"Origin": "https://evil.example"}, 403),
        ("DELETE", {"Sec-Fetch-Site": "cross-site"}, 403),
        ("GET", {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 200),
        ("HEAD", {"Sec-Fetch-Site": "cross-site"}, 200),
    ],
)
async def test_only_requests_from_the_site_itself_may_change_state(
    serve, handled, method, headers, status
):
    client = await serve()
    headers = {k: v.replace(OWN, own_origin(client)) for k, v in headers.items()}
    response = await client.request(method, "/thing", headers=headers)
    assert response.status == status
    assert handled == ([method] if status == 200 else [])


async def test_the_origin_check_ignores_letter_case(serve, handled):
    client = await serve()
    response = await client.post("/thing", headers={"Origin": own_origin(client).upper()})
    assert response.status == 200
    assert handled == ["POST"]


async def test_a_cross_site_form_post_is_refused_with_a_clear_message(serve, handled):
    client = await serve()
    response = await client.post(
        "/thing",
        data={"content": "spam"},
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status == 403
    assert "another site" in await response.text()
    assert handled == []


async def test_behind_a_trusted_https_proxy_the_https_origin_is_the_sites_own(
    serve, handled, workbook, day
):
    proxy = workbook.load(day, "proxy")
    client = await serve(proxy.forwarded_headers)
    origin = own_origin(client).replace("http://", "https://")
    response = await client.post("/thing", headers={"Origin": origin, "X-Forwarded-Proto": "https"})
    assert response.status == 200
    assert handled == ["POST"]
