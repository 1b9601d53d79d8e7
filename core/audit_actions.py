"""Translated labels of every audit action the portal records.

Actions are the strings services pass to ``audit_record`` / ``transition_apply`` (the keys of the
workflow transition tables included). The audit pages, API and exports show these labels;
``tests/core/test_audit_actions.py`` reads the code base and fails when an action has no label here.
(Data only: no app is imported. When each app declares its event types as choices, this table
becomes their union.)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    # accounts
    "user_created": _("User created"),
    "user_updated": _("User updated"),
    # schools and registers
    "register_loaded": _("Register loaded"),
    "school_profile_updated": _("School profile updated"),
    # checks
    "check_run_started": _("Check run started"),
    "finding_explained": _("Finding explained by the school"),
    "finding_waived": _("Finding waived"),
    "finding_resolved": _("Finding resolved"),
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


def action_label(action: str) -> str:
    """The translated label of ``action`` (the raw string if it has none)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def action_choices() -> list[tuple[str, str]]:
    return sorted(((key, str(label)) for key, label in ACTION_LABELS.items()), key=lambda item: item[1])
