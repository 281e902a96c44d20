"""How insole meets the shell that runs it: standard streams that may be closed, SIGTERM taken as Ctrl-C."""

from __future__ import annotations

import os
import sys

OK, CONTENT_ERRORS, USAGE = 0, 1, 2  # exit codes: done, problems in the library, a command insole refused
INTERRUPTED = 130  # what shells report for a program ended by Ctrl-C
TERMINATED = 143  # what shells report for a program ended by SIGTERM
STANDARD_STREAMS = 3  # standard input, output and error


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: the build stops the way Ctrl-C stops it."""


def terminated(signum: int, frame: object) -> None:
    """Stop the command where it is, so that it cleans up as after Ctrl-C."""
    raise Terminated()


def open_standard_streams() -> None:
    """Give a closed standard stream /dev/null, so no file insole opens takes its number."""
    for number in range(STANDARD_STREAMS):
        try:
            os.fstat(number)
        except OSError:
            os.dup2(os.open(os.devnull, os.O_RDWR), number)  # a program writing there writes nowhere
    if sys.stdout is None:
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115 - it lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115 - it lives as long as the process
