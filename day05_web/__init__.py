"""Day 5: coroweb, a small web framework on aiohttp, with Jinja2 pages and static files."""
