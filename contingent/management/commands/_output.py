"""Shared output of the contingent commands: problems with their line numbers, then a non-zero exit."""

from __future__ import annotations

from django.core.management.base import CommandError

from core.errors import DomainError
from core.tabular import RowsInvalid


def fail_with(command, error: DomainError) -> None:
    """Print every problem (one per line, with its line number) to stderr and exit non-zero."""
    if isinstance(error, RowsInvalid):
        for line in error.lines():
            command.stderr.write(line)
    raise CommandError(str(error), returncode=1)
