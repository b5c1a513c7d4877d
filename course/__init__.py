"""Tools for working through the course: starters, diff pages, sizes and batch grading."""
