"""Statuses, reasons, event types and red-flag codes of procurement oversight.

Each status carries its badge colour (``colour``, ``core.choices.ColouredChoices``): the colour
belongs to the choice, not to a template's dict of bare strings.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import ColouredChoices


class ContractStatus(ColouredChoices):
    ACTIVE = "active", "primary", pgettext_lazy("procurement contract status", "Active")
    CLOSED = "closed", "success", pgettext_lazy("procurement contract status", "Closed (fulfilled)")
    TERMINATED = "terminated", "danger", pgettext_lazy("procurement contract status", "Terminated")


class UnitStatus(ColouredChoices):
    DELIVERED = "delivered", "warning", pgettext_lazy("unit status", "Delivered, not inspected")
    INSPECTED = "inspected", "info", pgettext_lazy("unit status", "Inspected")
    ACCEPTED = "accepted", "success", pgettext_lazy("unit status", "Accepted")
    REJECTED = "rejected", "danger", pgettext_lazy("unit status", "Rejected")


# A unit that still occupies one of its line's places (a rejected one frees its place for a re-delivery).
LIVE_UNIT_STATUSES = (UnitStatus.DELIVERED, UnitStatus.INSPECTED, UnitStatus.ACCEPTED)
UNDECIDED_UNIT_STATUSES = (UnitStatus.DELIVERED, UnitStatus.INSPECTED)


class RejectReason(models.TextChoices):
    """Why the school's responsible person rejects a unit (the checklist item that failed, or another cause)."""

    WRONG_MODEL = "wrong_model", _("Not the model in the contract")
    NOT_WORKING = "not_working", _("Does not work")
    NO_SOFTWARE = "no_software", _("Licensed software not installed")
    NO_WARRANTY_CARD = "no_warranty_card", _("No warranty card")
    DAMAGED = "damaged", _("Damaged or incomplete")
    OTHER = "other", _("Other (explained in the note)")


class PenaltyStatus(ColouredChoices):
    CLAIMED = "claimed", "warning", pgettext_lazy("penalty status", "Claimed from the supplier")
    PAID = "paid", "success", pgettext_lazy("penalty status", "Paid by the supplier")
    CANCELLED = "cancelled", "secondary", pgettext_lazy("penalty status", "Cancelled")


LIVE_PENALTY_STATUSES = (PenaltyStatus.CLAIMED, PenaltyStatus.PAID)


class ClaimStatus(ColouredChoices):
    OPEN = "open", "warning", pgettext_lazy("warranty claim status", "Waiting for the supplier")
    ANSWERED = "answered", "info", pgettext_lazy("warranty claim status", "Answered by the supplier")
    CLOSED = "closed", "success", pgettext_lazy("warranty claim status", "Closed")


class ClaimResolution(models.TextChoices):
    REPAIRED = "repaired", _("Repaired")
    REPLACED = "replaced", _("Replaced")
    REFUSED = "refused", _("Refused by the supplier")
    OTHER = "other", _("Other (explained in the note)")


class FlagStatus(ColouredChoices):
    OPEN = "open", "danger", pgettext_lazy("flag status", "Open")
    CLEARED = "cleared", "secondary", pgettext_lazy("flag status", "No longer found")


class FlagCode(models.TextChoices):
    """The red flags monitors see. Codes are stable: other parts (cases, notifications) refer to them."""

    SERIAL_TWICE = "PR01", _("The same serial number accepted at two schools")
    ACCEPTED_BEFORE_DELIVERY = "PR02", _("Acceptance recorded before the delivery")
    PRICE_ABOVE_CONTRACT = "PR03", _("Invoiced unit price above the contract's")
    PRICE_ABOVE_MEDIAN = "PR04", _("Unit price above the national median for the item")
    BULK_ACCEPTANCE = "PR05", _("Units accepted in bulk within minutes by one person")
    UNRELIABLE_SUPPLIER = "PR06", _("Supplier on the register of unreliable suppliers")
    LATE_WITHOUT_PENALTY = "PR07", _("Late delivery without a penalty")
    WARRANTY_UNANSWERED = "PR08", _("Warranty claim not answered by its deadline")


class ProcurementEvent(models.TextChoices):
    """Audit event types of procurement (``AuditEvent.action``)."""

    CONTRACT_RECORDED = "procurement_contract_recorded", _("Contract recorded")
    CONTRACT_CHANGED = "procurement_contract_changed", _("Contract changed")
    CONTRACT_CLOSED = "procurement_contract_closed", _("Contract closed")
    CONTRACT_TERMINATED = "procurement_contract_terminated", _("Contract terminated")
    LINE_ADDED = "procurement_line_added", _("Contract line added")
    LINE_CHANGED = "procurement_line_changed", _("Contract line changed")
    LINE_REMOVED = "procurement_line_removed", _("Contract line removed")
    IMPORTED = "procurement_imported", _("Contracts imported from a file")
    DELIVERY_RECORDED = "procurement_delivery_recorded", _("Delivery recorded")
    DELIVERY_CORRECTED = "procurement_delivery_corrected", _("Delivery corrected")
    UNIT_INSPECTED = "procurement_unit_inspected", _("Unit inspected")
    UNIT_ACCEPTED = "procurement_unit_accepted", _("Unit accepted")
    UNIT_REJECTED = "procurement_unit_rejected", _("Unit rejected")
    PENALTY_CLAIMED = "procurement_penalty_claimed", _("Penalty claimed")
    PENALTY_PAID = "procurement_penalty_paid", _("Penalty paid")
    PENALTY_CANCELLED = "procurement_penalty_cancelled", _("Penalty cancelled")
    CLAIM_FILED = "procurement_claim_filed", _("Warranty claim filed")
    CLAIM_ANSWERED = "procurement_claim_answered", _("Supplier's answer recorded")
    CLAIM_CLOSED = "procurement_claim_closed", _("Warranty claim closed")
    FLAGS_RUN = "procurement_flags_run", _("Red flags searched")
    FLAG_RAISED = "procurement_flag_raised", _("Red flag raised")
    FLAG_REOPENED = "procurement_flag_reopened", _("Red flag found again")
    FLAG_CLEARED = "procurement_flag_cleared", _("Red flag no longer found")

