"""Day 2 carries day 1's files forward: the home page, the server and doctor still work."""

from tests.day01.test_app import *
from tests.day01.test_cli import *
