"""Day 1's page: ``GET /`` answers with a small HTML page that says Awesome."""

import pytest


@pytest.fixture
async def client(aiohttp_client, workbook, day):
    """A test client talking to the day's application, as its create_app() builds it."""
    return await aiohttp_client(workbook.load(day, "app").create_app())


async def test_the_home_page_is_html_encoded_as_utf8(client):
    response = await client.get("/")
    assert response.status == 200
    assert response.content_type == "text/html"
    assert response.charset.lower() == "utf-8"


async def test_the_home_page_is_a_whole_html_document_that_says_awesome_in_an_h1(client):
    text = await (await client.get("/")).text()
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert "<h1>Awesome</h1>" in text
    assert text.rstrip().lower().endswith("</html>")


async def test_a_path_with_no_route_is_a_404(client):
    response = await client.get("/no/such/page")
    assert response.status == 404


async def test_a_method_the_route_does_not_accept_is_a_405(client):
    response = await client.delete("/")
    assert response.status == 405
