"""`python -m generator` runs the insole command."""

from .cli import entry

entry()
