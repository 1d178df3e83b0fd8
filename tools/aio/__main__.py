"""python -m aio (run by tools/allinone inside the all-in-one's venv)."""

import sys

from .cli import main

sys.exit(main())
