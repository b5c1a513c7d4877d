"""Day 4 carries orm.py forward: its checks run again on day04_models/orm.py."""

from tests.day03_orm.test_orm import *
