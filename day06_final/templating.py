"""The Jinja2 environment every page is rendered with: this day's ``templates/``, autoescaped.

``init_jinja2`` gives the app its environment (``app[JINJA2]``): the ``datetime`` filter, the
site's title for every page (``site_title``), and ``ModelEnvironment``, which lets
``{{ blog.name }}`` read a Model's key straight away. Notice autoescaping: it is what makes an
article titled ``<script>`` harmless.
"""

import time
from datetime import datetime
from pathlib import Path

import jinja2
from aiohttp import web

from .orm import Model

TEMPLATES = Path(__file__).resolve().parent / "templates"
# The pages' Jinja2 environment: init_jinja2 puts it there, middlewares.render uses it.
JINJA2 = web.AppKey("jinja2", jinja2.Environment)


def datetime_filter(t: float) -> str:
    """A ``created_at`` timestamp as people say it: "3 hours ago", then a date."""
    seconds = time.time() - t
    if seconds < 60:
        return "just now"
    for unit, size, limit in (("minute", 60, 3600), ("hour", 3600, 86400), ("day", 86400, 604800)):
        if seconds < limit:
            n = int(seconds // size)
            return f"{n} {unit} ago" if n == 1 else f"{n} {unit}s ago"
    return datetime.fromtimestamp(t).date().isoformat()


class ModelEnvironment(jinja2.Environment):
    """Jinja2, except that ``{{ blog.name }}`` on a Model reads the key ``name`` first.

    Jinja2 tries an attribute before a key. A Model keeps its values as keys and answers an
    attribute through its ``__getattr__``, a Python call that reads the key anyway: going to
    the key first gives the same value for less. A name that is not a key (``blog.save``) is
    looked up as Jinja2 always does.
    """

    def getattr(self, obj, attribute):
        if isinstance(obj, Model):
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def init_jinja2(app: web.Application, **options) -> None:
    """Give the app its Jinja2 environment, over this day's ``templates/``, autoescaping on.

    ``path``, ``filters`` and ``globals`` choose other templates and add filters and values
    every template sees; any other option goes to ``jinja2.Environment``.
    """
    path = options.pop("path", TEMPLATES)
    filters = options.pop("filters", {})
    values = options.pop("globals", {})
    options.setdefault("autoescape", True)
    env = ModelEnvironment(loader=jinja2.FileSystemLoader(path), **options)
    env.filters.update(datetime=datetime_filter, **filters)
    env.globals.update(values)
    app[JINJA2] = env
