"""`python -m generator` runs the insole command."""

import sys

from .cli import main

sys.exit(main())
