"""``python -m barenet`` is the ``barenet`` command."""

import sys

from .cli import main

sys.exit(main())
