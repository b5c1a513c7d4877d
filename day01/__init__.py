"""Day 1: a hello-world aiohttp server, and a doctor that checks your set-up.

`python -m day01` serves the page built in app.py; `python -m day01 doctor` runs doctor.py.
"""
