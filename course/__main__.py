"""``python -m course COMMAND ...``: each command is the module ``course/COMMAND.py``.

Every command module has ``main(argv: list[str]) -> int``; ``python -m course COMMAND --help``
shows its options.
"""

import importlib
import pkgutil
import sys
from pathlib import Path


def commands() -> list[str]:
    """The command modules beside this file."""
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    available = commands()
    if not argv or argv[0] not in available:
        print(f"usage: python -m course {{{','.join(available)}}} ...", file=sys.stderr)
        return 2
    module = importlib.import_module(f"course.{argv[0]}")
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
