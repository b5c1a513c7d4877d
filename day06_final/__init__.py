"""Day 5: coroweb, a small web framework on aiohttp, and the blog's first pages.

`python -m day05_web` serves a home page listing the blogs in the database (Jinja2 templates,
a stylesheet, JSON under /api/); `python -m day05_web seed` adds demo articles to it.
"""
