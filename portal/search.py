"""The global search box: one text, read the way people write what they know.

What the text looks like decides where it is looked for; each place is asked through its own list
selector and filter set (the same scoping and the same parsing as its list page and API), so the
search shows nothing its user could not find on a list, and "all results" opens that list with the
same filter:

| the text | looked for among |
|---|---|
| 12 digits | schools by BIN; pupils by IIN (enrolments the user may see) — audited |
| ``<contract number>/<YYYY-MM>`` (``71-2025-0001/2025-10``) | acts by number |
| letters or digits with dashes (``71-2025-0001``) | contracts by number |
| ``R`` and digits (``R000123``) | payment registries |
| ``EQP`` and digits | payments by reference |
| anything else of 3 characters or more | schools by a part of the name (or of the BIN) |

An IIN search is recorded in the audit trail (``PortalEvent.PUPIL_SEARCHED``: who looked for which
IIN and how many enrolments they were shown), whether or not it found anyone: looking a person up
is an act the monitors may want to see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.identifiers import parse_iin
from core.scoping import may

SHOWN = 10
MIN_TEXT = 3
MAX_TEXT = 100
TWELVE_DIGITS = re.compile(r"[0-9]{12}")
ACT_NUMBER = re.compile(r"[^/\s]+/[0-9]{4}-[0-9]{2}")
CONTRACT_NUMBER = re.compile(r"[^\W_]+(?:-[^\W_]+)+")  # letters of any alphabet (ДГ-2025-00006), digits, dashes
REGISTRY_NUMBER = re.compile(r"[Rr][0-9]{1,18}")
PAYMENT_REFERENCE = re.compile(r"(?i:EQP)[0-9]{1,18}")


@dataclass
class Hit:
    title: str
    detail: str
    url: str


@dataclass
class Group:
    key: str
    label: str
    hits: list[Hit] = field(default_factory=list)
    more: int = 0  # found beyond the ones shown
    list_url: str = ""  # the list page with the same filter


@dataclass
class Results:
    text: str
    groups: list[Group]
    hint: str = ""

    @property
    def found(self) -> int:
        return sum(len(group.hits) + group.more for group in self.groups)


def _group(key, label, queryset, hit, list_name: str, params: dict) -> Group | None:
    rows = list(queryset[: SHOWN + 1])
    if not rows:
        return None
    extra = 0
    if len(rows) > SHOWN:
        extra = queryset.count() - SHOWN
        rows = rows[:SHOWN]
    return Group(key=key, label=label, hits=[hit(row) for row in rows], more=extra,
                 list_url=f"{reverse(list_name)}?{urlencode(params)}")


def _may_list(user, model) -> bool:
    return may(user, "view", model)


def _checked(filterset_class, filters: dict) -> dict:
    """``filters`` as the list's filter set reads them, or its translated error. (A filter set skips a
    value it cannot read, so a malformed number would otherwise find every row.)"""
    filterset = filterset_class(filters, queryset=filterset_class._meta.model.objects.none())
    if not filterset.is_valid():
        raise ValidationError([message for messages in filterset.errors.values() for message in messages])
    return filters


def _schools(user, filters: dict) -> Group | None:
    from schools.models import School
    from schools.selectors import school_list

    if not _may_list(user, School):
        return None
    from schools.filters import SchoolFilterSet

    return _group("schools", _("Schools"), school_list(user=user, filters=_checked(SchoolFilterSet, filters)).order_by("name_ru", "id"),
                  lambda school: Hit(school.name, f"{_('BIN')} {school.bin} · {school.region.name}",
                                     reverse("portal:school", args=[school.pk])),
                  "schools:list", filters)


def _enrolments(user, iin: str) -> tuple[Group | None, int, object]:
    from contingent.models import Enrolment
    from contingent.selectors import enrolment_list

    if not _may_list(user, Enrolment):
        return None, 0, None
    from contingent.filters import EnrolmentFilterSet

    queryset = (enrolment_list(user=user, filters=_checked(EnrolmentFilterSet, {"iin": iin}))
                .select_related("pupil", "school").order_by("-enrolled_on", "id"))
    rows = list(queryset[: SHOWN + 1])
    group = _group("pupils", _("Pupils (by IIN)"), queryset,
                   lambda enrolment: Hit(str(enrolment.pupil), f"{enrolment.school.name} · {enrolment.enrolled_on:%d.%m.%Y}",
                                         reverse("contingent:enrolment_detail", args=[enrolment.pk])),
                   "contingent:enrolment_list", {"iin": iin})
    found = queryset.count() if len(rows) > SHOWN else len(rows)
    return group, found, rows[0].pupil if rows else None


def _contracts(user, number: str) -> Group | None:
    from orders.models import Contract
    from orders.selectors import contract_list

    if not _may_list(user, Contract):
        return None
    from orders.filters import ContractFilterSet

    return _group("contracts", _("Contracts"), contract_list(user=user, filters=_checked(ContractFilterSet, {"number": number})).order_by("-id"),
                  lambda contract: Hit(contract.number, contract.school.name,
                                       reverse("orders:contract_detail", args=[contract.pk])),
                  "orders:contract_list", {"number": number})


def _acts(user, number: str) -> Group | None:
    from acts.models import Act
    from acts.selectors import act_list

    if not _may_list(user, Act):
        return None
    from acts.filters import ActFilterSet

    return _group("acts", _("Acts"), act_list(user=user, filters=_checked(ActFilterSet, {"number": number})).order_by("-id"),
                  lambda act: Hit(act.number, f"{act.school.name} · {act.get_status_display()}",
                                  reverse("acts:detail", args=[act.pk])),
                  "acts:list", {"number": number})


def _payments(user, filters: dict, by_registry: bool) -> Group | None:
    from payments.models import Payment
    from payments.selectors import payment_list

    if not _may_list(user, Payment):
        return None
    label = _("Payments of the registry") if by_registry else _("Payments")
    from payments.filters import PaymentFilterSet

    return _group("payments", label, payment_list(user=user, filters=_checked(PaymentFilterSet, filters)).order_by("-id"),
                  lambda payment: Hit(payment.reference, f"{payment.act.number} · {payment.get_status_display()}",
                                      reverse("payments:payment_detail", args=[payment.pk])),
                  "payments:payments", filters)


def global_search(*, user, text: str) -> Results:
    """What ``text`` names among the rows ``user`` may see (see the module)."""
    from core.errors import DomainError

    text = " ".join((text or "").split())[:MAX_TEXT]
    if len(text) < MIN_TEXT:
        return Results(text=text, groups=[], hint=str(_(
            "Type at least 3 characters: a BIN or IIN (12 digits), a school's name, a contract number "
            "(71-2025-0001), an act number (71-2025-0001/2025-10), a registry (R000123) or a payment reference (EQP…).")))
    groups: list[Group | None] = []
    try:
        if TWELVE_DIGITS.fullmatch(text):
            groups.append(_schools(user, {"bin": text}))
            if _is_iin(text):
                with transaction.atomic():
                    pupils, found, pupil = _enrolments(user, text)
                    _audit_iin_search(user=user, iin=text, found=found, pupil=pupil)
                groups.append(pupils)
        elif ACT_NUMBER.fullmatch(text):
            groups.append(_acts(user, text))
        elif REGISTRY_NUMBER.fullmatch(text):
            groups.append(_payments(user, {"registry": text}, by_registry=True))
        elif PAYMENT_REFERENCE.fullmatch(text):
            groups.append(_payments(user, {"reference": text}, by_registry=False))
        elif CONTRACT_NUMBER.fullmatch(text) and any(char.isdigit() for char in text):
            groups.append(_contracts(user, text))
        else:
            groups.append(_schools(user, {"q": text}))
    except (ValidationError, DomainError) as error:
        messages = getattr(error, "messages", None) or [str(error)]
        return Results(text=text, groups=[], hint=" ".join(str(message) for message in messages))
    return Results(text=text, groups=[group for group in groups if group])


def _is_iin(value: str) -> bool:
    try:
        parse_iin(value)
    except ValidationError:
        return False
    return True


def _audit_iin_search(*, user, iin: str, found: int, pupil) -> None:
    from contingent.models import Pupil
    from core.services import audit_record
    from portal.choices import PortalEvent

    audit_record(actor=user, action=PortalEvent.PUPIL_SEARCHED, subject=pupil or Pupil,
                 data={"iin": iin, "enrolments_shown": found})
