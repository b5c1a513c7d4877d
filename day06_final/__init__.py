"""Day 6: the full blog, on the ORM of day 3 and the framework of day 5.

`python -m day06_final` serves it: articles in markdown, comments, accounts, management pages,
an Atom feed and a JSON API, with hashed passwords, signed session cookies and CSRF checks.
`create-admin`, `init-db` and `seed` look after it (see `__main__.py` and the README).
"""
