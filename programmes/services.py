"""Programmes: a department creates the programmes of its region, an operator the national ones.

Every write asks the one permission decision (``core.scoping.require`` with the actions the
programme's scope declares: a department manages its region's programmes, an operator or an
administrator the national ones), validates the whole programme
against its instrument (``programmes.instruments``), and writes its audit event in the same
transaction. A programme is edited while a draft; activating it makes it usable for calls (state
orders); closing it stops new calls (existing contracts run on).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.calendar import month_end
from core.errors import ConflictError, DomainError, PermissionDeniedError
from core.roles import Role
from core.scoping import effective_role, require
from core.services import audit_record
from core.workflow import lock, transition_apply
from programmes.choices import ProgrammeEvent
from programmes.instruments import INSTRUMENTS, Instrument
from programmes.models import Programme, ProgrammeNorm, ProgrammeTerm

CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$")
MAX_NORM = Decimal("10000000.00")  # 10 million KZT per beneficiary and period


@dataclass
class NormInput:
    key: str
    amount: Decimal
    label_kk: str = ""
    label_ru: str = ""
    label_en: str = ""


@dataclass
class TermInput:
    name: str
    start: dt.date
    end: dt.date


@dataclass
class ProgrammeInput:
    """What a department or an operator enters for a programme (the page and the API both build one)."""

    code: str
    name_kk: str
    name_ru: str
    instrument: str
    name_en: str = ""
    proration: str = ""  # empty: the instrument's default
    provider_kind: str = ""  # empty: the instrument's first
    norms: list[NormInput] = field(default_factory=list)
    terms: list[TermInput] = field(default_factory=list)
    finding_codes: list[str] | None = None  # None: every code of the instrument


def department_instruments() -> list[str]:
    """The instruments a regional department may run (setting ``PROGRAMME_DEPARTMENT_INSTRUMENTS``)."""
    return list(getattr(settings, "PROGRAMME_DEPARTMENT_INSTRUMENTS", list(INSTRUMENTS)))


def _validate_norms(item: Instrument, norms: list[NormInput]) -> None:
    keys = [norm.key for norm in norms]
    if len(set(keys)) != len(keys):
        raise DomainError(_("Each category may have one norm only."), field="norms", code="norm_repeated")
    for norm in norms:
        if not CODE.match(norm.key or ""):
            raise DomainError(_("A category is written with letters, digits, dots, dashes or underscores (up to 20)."),
                              field="norms", details={"key": norm.key})
        if not Decimal(0) <= Decimal(norm.amount) <= MAX_NORM:
            raise DomainError(_("A norm must be between 0 and 10 000 000 KZT."), field="norms", details={"key": norm.key})
    if item.categories:
        if set(keys) != set(item.categories):
            raise DomainError(_("A programme of this instrument has a norm for each of: %(keys)s.")
                              % {"keys": ", ".join(item.categories)}, field="norms", code="norm_categories")
    else:
        if not keys:
            raise DomainError(_("Name at least one category (for grants: a specialty group) with its norm."),
                              field="norms", code="norm_categories")
        for norm in norms:
            if not (norm.label_kk.strip() and norm.label_ru.strip()):
                raise DomainError(_("Name each category in Kazakh and Russian."), field="norms", details={"key": norm.key})


def _validate_terms(item: Instrument, terms: list[TermInput]) -> None:
    if item.period != "term":
        if terms:
            raise DomainError(_("Only a programme paid per term has terms."), field="terms")
        return
    if not terms:
        raise DomainError(_("A programme paid per term needs its academic terms."), field="terms", code="no_terms")
    ordered = sorted(terms, key=lambda term: term.start)
    for term in ordered:
        if not (term.name or "").strip() or len(term.name) > 100:
            raise DomainError(_("Name each term (up to 100 characters)."), field="terms")
        if term.start.day != 1 or term.end != month_end(term.end) or term.end < term.start:
            raise DomainError(_("A term runs from the first day of a month to the last day of a month."), field="terms",
                              details={"term": term.name})
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.start <= before.end:
            raise DomainError(_("Terms must not overlap (%(a)s and %(b)s).") % {"a": before.name, "b": after.name},
                              field="terms", code="terms_overlap")


def _validate(data: ProgrammeInput) -> Instrument:
    if data.instrument not in INSTRUMENTS:
        raise DomainError(_("Unknown instrument."), field="instrument", code="unknown_instrument")
    item = INSTRUMENTS[data.instrument]
    if not CODE.match(data.code or ""):
        raise DomainError(_("Enter the programme code (letters, digits, dots, dashes, underscores; up to 20)."), field="code")
    for name in ("name_kk", "name_ru"):
        value = (getattr(data, name) or "").strip()
        if not value or len(value) > 300:
            raise DomainError(_("Enter the programme's name in Kazakh and Russian (up to 300 characters)."), field=name)
    if len(data.name_en or "") > 300:
        raise DomainError(_("The English name is longer than 300 characters."), field="name_en")
    data.proration = data.proration or item.proration
    if data.proration not in item.prorations:
        raise DomainError(_("This instrument does not allow that proration."), field="proration", code="proration")
    data.provider_kind = data.provider_kind or item.provider_kinds[0]
    if data.provider_kind not in item.provider_kinds:
        raise DomainError(_("This instrument does not pay that kind of provider."), field="provider_kind")
    if data.finding_codes is None:
        data.finding_codes = list(item.finding_codes)
    unknown = set(data.finding_codes) - set(item.finding_codes)
    if unknown:
        raise DomainError(_("Finding codes not run for this instrument: %(codes)s.") % {"codes": ", ".join(sorted(unknown))},
                          field="finding_codes")
    _validate_norms(item, data.norms)
    _validate_terms(item, data.terms)
    return item


def _write_parts(programme: Programme, data: ProgrammeInput) -> None:
    programme.norms.all().delete()
    programme.terms.all().delete()
    ProgrammeNorm.objects.bulk_create([
        ProgrammeNorm(programme=programme, key=norm.key, amount=Decimal(norm.amount), position=index,
                      label_kk=norm.label_kk.strip() or norm.key, label_ru=norm.label_ru.strip() or norm.key,
                      label_en=norm.label_en.strip() or norm.key)
        for index, norm in enumerate(data.norms)
    ])
    ProgrammeTerm.objects.bulk_create([ProgrammeTerm(programme=programme, name=term.name.strip(), start=term.start,
                                                     end=term.end) for term in data.terms])


def _values(data: ProgrammeInput, item: Instrument) -> dict:
    return {"code": data.code, "name_kk": data.name_kk.strip(), "name_ru": data.name_ru.strip(),
            "name_en": (data.name_en or "").strip(), "instrument": item.code.value, "unit": item.unit.value,
            "period": item.period.value, "proration": data.proration, "provider_kind": data.provider_kind,
            "beneficiary_kind": item.beneficiary_kind.value, "finding_codes": sorted(data.finding_codes)}


@transaction.atomic
def programme_create(*, data: ProgrammeInput, actor) -> Programme:
    """A department drafts a programme of its region; an operator or administrator a national one."""
    region_id = actor.region_id if effective_role(actor) == Role.DEPARTMENT else None
    require(actor, "add", Programme(region_id=region_id))
    item = _validate(data)
    if region_id is not None and item.code not in department_instruments():
        raise PermissionDeniedError(_("Your department does not run this instrument."), code="instrument_not_run")
    try:
        with transaction.atomic():
            programme = Programme.objects.create(region_id=region_id, created_by=actor, **_values(data, item))
    except IntegrityError:
        raise ConflictError(_("A programme with this code already exists."), field="code", code="code_taken") from None
    _write_parts(programme, data)
    audit_record(actor=actor, action=ProgrammeEvent.CREATED, subject=programme, to_status=programme.status,
                 data={"values": asdict(data)})
    return programme


def _snapshot(programme: Programme) -> dict:
    values = {name: getattr(programme, name) for name in ("code", "name_kk", "name_ru", "name_en", "proration",
                                                          "provider_kind", "finding_codes")}
    values["norms"] = [[n.key, str(n.amount), n.label_kk, n.label_ru, n.label_en] for n in programme.norms.all()]
    values["terms"] = [[t.name, str(t.start), str(t.end)] for t in programme.terms.all()]
    return values


@transaction.atomic
def programme_update(*, programme: Programme, data: ProgrammeInput, actor) -> Programme:
    """Change a draft programme (its instrument stays); every change is logged as old → new."""
    programme = lock(programme)
    require(actor, "change", programme)
    if programme.status not in Programme.TRANSITIONS["change"].sources:
        raise ConflictError(_("Only a draft programme can be edited."), code="not_draft")
    data.instrument = programme.instrument
    item = _validate(data)
    before = _snapshot(programme)
    for name, value in _values(data, item).items():
        setattr(programme, name, value)
    try:
        with transaction.atomic():
            programme.save()
    except IntegrityError:
        raise ConflictError(_("A programme with this code already exists."), field="code", code="code_taken") from None
    _write_parts(programme, data)
    after = _snapshot(programme)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        audit_record(actor=actor, action=ProgrammeEvent.UPDATED, subject=programme, from_status=programme.status,
                     to_status=programme.status, data={"changes": changes})
    return programme


@transaction.atomic
def programme_activate(*, programme: Programme, actor) -> Programme:
    """Draft → active: the programme may now carry calls (state orders)."""
    locked = lock(programme)
    require(actor, "activate", locked)  # before the programme's data is judged
    item = INSTRUMENTS[locked.instrument]
    norms = list(locked.norms.all())
    _validate_norms(item, [NormInput(key=n.key, amount=n.amount, label_kk=n.label_kk, label_ru=n.label_ru) for n in norms])
    _validate_terms(item, [TermInput(name=t.name, start=t.start, end=t.end) for t in locked.terms.all()])
    return transition_apply(obj=locked, transitions=Programme.TRANSITIONS, action="activate", actor=actor,
                            data={"snapshot": _snapshot(locked)})


@transaction.atomic
def programme_close(*, programme: Programme, actor, reason: str = "") -> Programme:
    """Active → closed: no new calls; contracts already made run to their end."""
    return transition_apply(obj=programme, transitions=Programme.TRANSITIONS, action="close", actor=actor,
                            reason=reason)
