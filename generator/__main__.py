"""`python -m insole` runs the insole command."""

from .cli import entry

entry()
