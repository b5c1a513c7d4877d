"""Day 5 carries orm.py, models.py and schema.sql forward: their checks run on day05's copies.

Of day 4's command-line checks only the schema's still applies (day 5 serves instead of walking
through the models): imported by name, pytest collects it here and runs it on day 5.
"""

from tests.day03_orm.test_orm import *
from tests.day04_models.test_cli import test_schema_sql_is_what_the_generator_prints_today  # noqa: F401
from tests.day04_models.test_models import *
