"""Fixtures for the coroweb checks, imported by each test module of this folder.

They live here, not in a conftest.py, so that a later day re-running these checks with
``from tests.day05_web.test_coroweb import *`` gets them too, and they go through ``day``:
on a later day they load that day's copies.
"""

import inspect

import pytest


@pytest.fixture
def coroweb(workbook, day):
    """The day's coroweb module."""
    return workbook.load(day, "coroweb")


@pytest.fixture
def apis(workbook, day):
    """The day's apis module."""
    return workbook.load(day, "apis")


@pytest.fixture
def serve(workbook, day, tmp_path, aiohttp_client):
    """``await serve(*handlers, db_url=...)``: a client of the day's app with these handlers."""
    coroweb, app_module = workbook.load(day, "coroweb"), workbook.load(day, "app")

    async def serve(*handlers, db_url=None):
        app = app_module.create_app(db_url or f"sqlite:///{tmp_path / 'site.db'}")
        if inspect.isawaitable(app):
            app = await app
        for handler in handlers:
            coroweb.add_route(app, handler)
        return await aiohttp_client(app)

    return serve
