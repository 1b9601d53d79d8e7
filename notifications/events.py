"""Which recorded events notify whom: the one table from audit events to notifications.

Every state change of the apps below is written to the audit trail in the transaction that makes
it (``core.services.audit_record``), so the audit event is the one record of "what happened": this
module reads it after commit and never needs the apps to call it. ``EVENT_RULES`` maps a
(subject model, audit action) pair to a kind and to who is told:

* ``school`` — the active users of the subject's school;
* ``department`` — the active department officers of the school's region;
* ``operators`` — every active operator.

A subject adapter gives the school, the region, the words and the page of each subject model.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from acts.choices import ActEvent
from core.roles import Role
from notifications.choices import NotificationKind as Kind
from orders.choices import ApplicationEvent, ContractEvent
from payments.choices import PaymentEvent, RecoveryEvent

SCHOOL, DEPARTMENT, OPERATORS = "school", "department", "operators"


@dataclass(frozen=True)
class Rule:
    kind: str
    audience: tuple[str, ...]


# (app_label.Model, audit event type) → who is told what. The actions are the event types the apps
# register (``core.audit_actions``): the values their services write with ``audit_record``.
EVENT_RULES: dict[tuple[str, str], Rule] = {
    ("orders.Application", ApplicationEvent.APPROVED): Rule(Kind.APPLICATION_DECIDED, (SCHOOL,)),
    ("orders.Application", ApplicationEvent.REJECTED): Rule(Kind.APPLICATION_DECIDED, (SCHOOL,)),
    ("orders.Contract", ContractEvent.CREATED): Rule(Kind.CONTRACT_TO_SIGN, (SCHOOL,)),
    ("orders.Contract", ContractEvent.SIGNED_BY_SCHOOL): Rule(Kind.CONTRACT_TO_SIGN, (DEPARTMENT,)),
    ("acts.Act", ActEvent.RETURNED): Rule(Kind.ACT_RETURNED, (SCHOOL,)),
    ("acts.Act", ActEvent.ACCEPTED): Rule(Kind.ACT_ACCEPTED, (SCHOOL,)),
    ("acts.Act", ActEvent.PARTLY_ACCEPTED): Rule(Kind.ACT_PARTLY_ACCEPTED, (SCHOOL,)),
    ("payments.Payment", PaymentEvent.APPROVED): Rule(Kind.PAYMENT_APPROVED, (SCHOOL,)),
    ("payments.Payment", PaymentEvent.SETTLED): Rule(Kind.PAYMENT_PAID, (SCHOOL,)),
    ("payments.Payment", PaymentEvent.PAID): Rule(Kind.PAYMENT_PAID, (SCHOOL,)),
    ("payments.Payment", PaymentEvent.FAILED): Rule(Kind.PAYMENT_FAILED, (SCHOOL, OPERATORS)),
    ("payments.Recovery", RecoveryEvent.RECORDED): Rule(Kind.RECOVERY_OPENED, (SCHOOL, DEPARTMENT)),
}

NOTIFYING_ACTIONS = sorted({str(action) for _model, action in EVENT_RULES})


@dataclass(frozen=True)
class Subject:
    school_id: int
    region_id: str
    params: dict
    url_name: str
    url_args: tuple


def names(obj) -> dict:
    """A school's or region's name in each language it has (the words are chosen when shown)."""
    return {language: getattr(obj, f"name_{language}", "") for language in ("kk", "ru", "en") if getattr(obj, f"name_{language}", "")}


def _application(application) -> Subject:
    return Subject(application.school_id, application.order.region_id,
                   {"order": str(application.order), "school": names(application.school), "status": application.status},
                   "orders:application_detail", (application.pk,))


def _contract(contract) -> Subject:
    return Subject(contract.school_id, contract.order.region_id,
                   {"contract": contract.number, "school": names(contract.school), "status": contract.status},
                   "orders:contract_detail", (contract.pk,))


def _act(act) -> Subject:
    return Subject(act.school_id, act.contract.order.region_id,
                   {"act": act.number, "school": names(act.school), "status": act.status,
                    "amount": str(act.accepted_amount), "reason": act.return_reason},
                   "acts:detail", (act.pk,))


def _payment(payment) -> Subject:
    act = payment.act
    return Subject(act.school_id, act.contract.order.region_id,
                   {"payment": payment.reference, "act": act.number, "school": names(act.school),
                    "amount": str(payment.amount), "status": payment.status, "reason": payment.status_reason},
                   "payments:payment_detail", (payment.pk,))


def _recovery(recovery) -> Subject:
    contract = recovery.contract
    return Subject(contract.school_id, contract.order.region_id,
                   {"contract": contract.number, "school": names(contract.school), "amount": str(recovery.amount),
                    "act": recovery.line.act.number},
                   "payments:recoveries", ())


ADAPTERS = {
    "orders.Application": (_application, ("order", "school")),
    "orders.Contract": (_contract, ("order", "school")),
    "acts.Act": (_act, ("contract__order", "school")),
    "payments.Payment": (_payment, ("act__contract__order", "act__school")),
    "payments.Recovery": (_recovery, ("contract__order", "contract__school", "line__act__contract")),
}


def subject_of(event):
    """The adapter's view of the event's subject, or None (a subject gone or of no interest)."""
    model = event.content_type.model_class()
    label = f"{model._meta.app_label}.{model.__name__}" if model is not None else ""
    if label not in ADAPTERS:
        return None
    adapter, related = ADAPTERS[label]
    obj = model._default_manager.select_related(*related).filter(pk=event.object_id).first()
    return adapter(obj) if obj is not None else None


def audience_q(audience: tuple[str, ...], *, school_id: int | None, region_id: str | None) -> Q:
    """The users told: active users of the school, of the region's department, or every operator."""
    condition = Q(pk__in=[])
    if SCHOOL in audience and school_id is not None:
        condition |= Q(role=Role.SCHOOL, school_id=school_id)
    if DEPARTMENT in audience and region_id:
        condition |= Q(role=Role.DEPARTMENT, region_id=region_id)
    if OPERATORS in audience:
        condition |= Q(role=Role.OPERATOR)
    return condition & Q(is_active=True)
