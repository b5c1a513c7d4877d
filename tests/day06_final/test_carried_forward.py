"""Day 6 carries orm.py, models.py, coroweb.py and apis.py forward: their checks run on day06's
copies, against day 6's app (its error middleware, CSRF guard and auth included). Day 4's checks
of ``__main__.py`` (schema, doctor) are day 6's own: test_cli.py runs them."""

from tests.day03_orm.test_orm import *
from tests.day04_models.test_models import *
from tests.day05_web.test_coroweb import *
