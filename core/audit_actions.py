"""Translated labels of every audit action the portal records.

Actions are the strings services pass to ``audit_record`` / ``transition_apply`` (the keys of the
workflow transition tables included). An app that declares its event types as ``TextChoices``
(``checks.choices.FindingEvent``, ``CheckRunEvent``, ``acts.choices.InspectionEvent``) registers them
in its ``AppConfig.ready`` with ``register_event_types``: their labels join ``ACTION_LABELS``, which
holds the actions still written as bare strings. The audit pages, API and exports show these
labels; ``tests/core/test_audit_actions.py`` reads the code base and fails when an action has no
label. (No app is imported here: apps above core hand their choices in.)
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    # accounts
    "user_created": _("User created"),
    "user_updated": _("User updated"),
    "user_iin_set": _("User's IIN recorded"),
    "department_bin_set": _("Department's BIN recorded"),
    # qualified electronic signatures
    "signature_accepted": _("Signature accepted"),
    # schools and registers
    "register_loaded": _("Register loaded"),
    "school_profile_updated": _("School profile updated"),
    # contingent and NOBD
    "enrolment_added": _("Pupil enrolled"),
    "enrolment_updated": _("Enrolment changed"),
    "enrolment_left": _("Pupil left"),
    "contingent_uploaded": _("Contingent file uploaded"),
    "contingent_imported": _("Contingent imported"),
    "contingent_upload_discarded": _("Contingent upload discarded"),
    "nobd_snapshot_imported": _("NOBD snapshot loaded"),
    "nobd_snapshot_pruned": _("NOBD snapshot rows removed"),
    # state orders, applications, contracts
    "order_created": _("State order created"),
    "order_updated": _("State order edited"),
    "publish": _("Published"),
    "close": _("Closed"),
    "application_submitted": _("Application submitted"),
    "approve": _("Approved"),
    "reject": _("Rejected"),
    "withdraw": _("Withdrawn"),
    "contract_created": _("Contract drawn up"),
    "sign_school": _("Signed by the school"),
    "sign_department": _("Signed by the department"),
    "suspend": _("Suspended"),
    "resume": _("Resumed"),
    "terminate": _("Terminated"),
    # acts of services rendered
    "act_built": _("Act built"),
    "rebuild": _("Act rebuilt"),
    "submit": _("Submitted"),
    "act_lines_decided": _("Act lines decided"),
    "accept": _("Accepted"),
    "partly_accept": _("Partly accepted"),
    "return": _("Returned for correction"),
    "correct": _("Correction started"),
    "mark_paid": _("Marked paid"),
    # payments, registries, bank confirmations, recoveries, final reports
    "payment_prepared": _("Payment prepared"),
    "settle": _("Settled without transfer"),
    "cancel": _("Cancelled"),
    "export": _("Exported to a registry"),
    "registry_created": _("Payment registry created"),
    "payment_reissued": _("Payment re-issued"),
    "bank_confirmation_uploaded": _("Bank confirmation uploaded"),
    "bank_confirmation_applied": _("Bank confirmation applied"),
    "confirm_paid": _("Confirmed paid by the bank"),
    "confirm_failed": _("Payment failed at the bank"),
    "recovery_recorded": _("Recovery recorded"),
    "final_report_prepared": _("Final report prepared"),
    # monitoring cases (oversight)
    "case_opened": _("Monitoring case opened"),
    "case_question_asked": _("Question asked"),
    "case_question_answered": _("Question answered"),
    "case_note_added": _("Internal note added"),
    "case_attachment_added": _("Attachment added"),
    "start_dialogue": _("Dialogue started"),
    "conclude": _("Conclusion issued"),
    "report_elimination": _("Elimination report submitted"),
    "reject_report": _("Elimination report sent back"),
    "close_case": _("Case closed"),
    "cancel_case": _("Case cancelled"),
}


EVENT_TYPES: list[type[models.TextChoices]] = []


def register_event_types(*choices: type[models.TextChoices]) -> None:
    """An app's event types (``TextChoices``: value = action, label = its words) join the labels."""
    for choice in choices:
        if choice not in EVENT_TYPES:
            EVENT_TYPES.append(choice)


def action_labels() -> dict:
    """Every action's lazy label: the bare-string actions and the registered event types."""
    labels = dict(ACTION_LABELS)
    for choice in EVENT_TYPES:
        labels.update((member.value, member.label) for member in choice)
    return labels


def action_label(action: str) -> str:
    """The translated label of ``action`` (the raw string if it has none)."""
    label = action_labels().get(action)
    return str(label) if label is not None else action


def action_choices() -> list[tuple[str, str]]:
    return sorted(((key, str(label)) for key, label in action_labels().items()), key=lambda item: item[1])
