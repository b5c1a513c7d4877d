"""gunicorn settings for the blog: several aiohttp workers on one database, behind nginx.

Run from anywhere: ``gunicorn -c day06_final/deploy/gunicorn.conf.py``. Each worker imports
``day06_final.app:create_app``; aiohttp's GunicornWebWorker sees an ``async def`` it can call
with no arguments, awaits it, and serves the app it returns (gunicorn needs no --factory flag).
The workers share nothing but the database: a session lives in its signed cookie.
"""

import os
from pathlib import Path

# The folder holding day06_final/, so that "day06_final.app" imports as a package.
chdir = str(Path(__file__).resolve().parents[2])
wsgi_app = "day06_final.app:create_app"
worker_class = "aiohttp.GunicornWebWorker"

# nginx proxies to this address (deploy/nginx.conf); keep it private to the machine.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:9000")
# An asyncio worker serves many requests at once, so one or two per core is enough.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1)))

timeout = 30  # a worker silent this long is restarted
graceful_timeout = 30  # on reload or stop, requests in flight get this long to finish
keepalive = 5
# systemctl reload sends HUP; no gunicornc control socket to secure (gunicorn >= 25 makes one).
control_socket_disable = True

accesslog = "-"  # to standard output: journald keeps it (journalctl -u blog)
errorlog = "-"
