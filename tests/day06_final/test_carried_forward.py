"""Day 6 carries orm.py, models.py, schema.sql, coroweb.py and apis.py forward: their checks
run on day06's copies, against day 6's app (its error middleware, CSRF guard and auth included)."""

from tests.day03_orm.test_orm import *
from tests.day04_models.test_cli import test_schema_sql_is_what_the_generator_prints_today  # noqa: F401
from tests.day04_models.test_models import *
from tests.day05_web.test_coroweb import *
