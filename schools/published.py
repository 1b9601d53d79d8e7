"""What the schools app publishes to the apps above it as SQL views (read by set-based rules).

``schools_iban_changes`` (migration ``schools.0004``) — every replacement of a school's bank account
in its change history (``SchoolChange`` of kind ``bank_account`` whose IBAN differs from a non-empty
IBAN before it; an account entered where there was none is not a change of account), one row per
history entry. Columns:

    change_id, bin, changed_at, iban_before, iban_after, source

The risk flags read it for R04 (a payment approved soon after the paid school's IBAN changed).
The history is append-only (the database refuses UPDATE and DELETE), so what the view shows up to a
moment never changes afterwards.
"""

from __future__ import annotations

IBAN_CHANGES_VIEW = "schools_iban_changes"
