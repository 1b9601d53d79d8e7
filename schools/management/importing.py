"""What the import commands share: run one register load, print the result or every problem."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.tabular import RowsInvalid
from schools.services import register_import


def run_import(command, *, kind: str, transport) -> None:
    """Load ``kind`` from ``transport``; on any problem print each with its line and exit non-zero."""
    try:
        load, plan = register_import(kind=kind, transport=transport)
    except RowsInvalid as exc:
        for line in exc.lines():
            command.stderr.write(line)
        raise CommandError(str(exc)) from None
    except DomainError as exc:
        raise CommandError(str(exc)) from None
    command.stdout.write(
        _("%(register)s loaded from %(source)s: %(new)s new, %(changed)s changed, %(unchanged)s unchanged "
          "(load #%(id)s, SHA-256 %(sha)s).")
        % {"register": load.get_kind_display(), "source": load.source, "new": load.created_count,
           "changed": load.changed_count, "unchanged": load.unchanged_count, "id": load.pk, "sha": load.sha256}
    )
    if plan.outside_portal:
        command.stdout.write(
            _("%(count)s row(s) name a BIN that is not a school of the portal; they are kept in the register.")
            % {"count": plan.outside_portal}
        )
