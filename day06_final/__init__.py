"""Day 6: the full blog (a placeholder until day05_web's files are carried forward here)."""
