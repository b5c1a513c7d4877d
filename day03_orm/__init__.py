"""Day 3: a metaclass ORM, over SQLite (aiosqlite) and MySQL/MariaDB (aiomysql).

`python -m day03_orm` walks through orm.py on an in-memory SQLite database, printing every
SQL statement it runs. Day 2's notes app comes along unchanged: `python -m day03_orm serve`.
"""
