"""What the payments app publishes as SQL views, for set-based rules of the apps above it.

``payments_approved`` (migration ``payments.0004``) — every payment that was approved (whatever
became of it since: sent, paid, failed), one row per payment. Columns:

    payment_id, act_id, school_id, act_month, payee_bin, payee_iban, amount, status, approved_at

The risk flags read it for R04 (a payment approved soon after the paid school's IBAN changed).
A payment's approval time is set once, by the approving operator, and never changes.
"""

from __future__ import annotations

APPROVED_PAYMENTS_VIEW = "payments_approved"
