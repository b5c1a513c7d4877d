"""Day 5 carries orm.py and models.py forward: their checks run on day05's copies.

Day 4's checks of ``__main__.py`` (schema, doctor) are day 5's own: test_site.py runs them.
"""

from tests.day03_orm.test_orm import *
from tests.day04_models.test_models import *
