"""Day 2: the HTTP request/response cycle in plain aiohttp, made visible step by step.

`python -m day02` serves a small notes API (app.py, handlers.py, middlewares.py, store.py)
whose responses carry an ``X-Trace`` header naming the nine steps each request went through.
"""
