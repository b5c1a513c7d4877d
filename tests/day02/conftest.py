"""Fixtures for day 2: a client for the notes app, its token, and a helper that adds notes."""

import pytest

TOKEN = "token-for-the-tests"


@pytest.fixture
async def client(aiohttp_client, workbook, day):
    """A test client for a fresh notes app (an empty store) whose write token is TOKEN."""
    return await aiohttp_client(workbook.load(day, "app").create_app(token=TOKEN))


@pytest.fixture
def auth() -> dict[str, str]:
    """The header that lets a request through to the write route."""
    return {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def add_note(client, auth):
    """``await add_note(title, body)`` creates a note through the API and returns its JSON."""

    async def add(title: str = "A note", body: str = "") -> dict:
        response = await client.post("/notes", json={"title": title, "body": body}, headers=auth)
        assert response.status == 201, await response.text()
        return await response.json()

    return add
