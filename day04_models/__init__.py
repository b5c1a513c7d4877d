"""Day 4: the blog's models, User, Blog and Comment, on the ORM of day 3.

`python -m day04_models` creates their tables and walks through creating, querying, updating
and removing one of each; `python -m day04_models schema` prints the MySQL schema (schema.sql).
"""
