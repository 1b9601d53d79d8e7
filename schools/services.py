"""State changes of the school registry: register imports and a school's own profile."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.identifiers import normalize_iban, validate_kz_iban
from core.scoping import require
from core.services import audit_record
from core.tabular import RowsInvalid
from core.workflow import lock
from schools.banks import bank_for_iban
from schools.choices import ChangeKind, ChangeSource, RegisterKind, SchoolEvent
from schools.importers import Action, ImportPlan, display, licence_fields, plan_import, rnu_fields, school_fields
from schools.models import Licence, RegisterLoad, School, SchoolChange, UnreliableSupplierEntry

BANK_FIELDS = ("iban", "bank_name", "bic")
CONTACT_FIELDS = ("email", "phone", "director")


def _lock_register(kind: str) -> None:
    """One import of a register at a time (held until the transaction ends)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"schools.register.{kind}"])


@transaction.atomic
def register_import(*, kind: str, transport, actor=None) -> tuple[RegisterLoad, ImportPlan]:
    """Load a register (schools, licences or rnu) from ``transport``: all rows or none.

    Every row is read and validated first; any bad row raises ``RowsInvalid`` listing each with
    its line number, and nothing is saved. Rows are upserted (schools by BIN, licences by BIN and
    number, unreliable-supplier entries by BIN and date of inclusion); each change is kept in the
    school history (``SchoolChange``), the load itself in ``RegisterLoad`` and the audit trail.
    """
    if kind not in RegisterKind.values:
        raise DomainError(_("Unknown register “%(kind)s”.") % {"kind": kind}, code="unknown_register")
    require(actor, "load", RegisterLoad)  # actor None: the command line, run by whoever operates the server
    _lock_register(kind)
    plan = plan_import(kind=kind, transport=transport)
    if plan.errors:
        raise RowsInvalid(plan.errors)
    counts = plan.counts
    load = RegisterLoad.objects.create(
        kind=kind, source=plan.source.label[:500], source_kind=plan.source.kind, sha256=plan.source.sha256,
        row_count=len(plan.rows), created_count=counts[Action.NEW], changed_count=counts[Action.CHANGED],
        unchanged_count=counts[Action.UNCHANGED], loaded_by=actor if getattr(actor, "pk", None) else None,
    )
    apply = {RegisterKind.SCHOOLS: _apply_schools, RegisterKind.LICENCES: _apply_licences, RegisterKind.RNU: _apply_rnu}[kind]
    history = apply(plan, load)
    for change in history:
        change.load, change.source, change.changed_by = load, plan.source.kind, load.loaded_by
    SchoolChange.objects.bulk_create(history, batch_size=1000)
    audit_record(
        actor=actor, action=SchoolEvent.REGISTER_LOADED, subject=load,
        data={"kind": kind, "source": plan.source.label, "sha256": plan.source.sha256, "counts": counts,
              "outside_portal": plan.outside_portal},
    )
    return load, plan


def _split(changes: list[tuple[str, str, str]], names) -> tuple[dict, dict]:
    before = {name: old for name, old, _new in changes if name in names}
    after = {name: new for name, _old, new in changes if name in names}
    return before, after


def _apply_schools(plan: ImportPlan, load: RegisterLoad) -> list[SchoolChange]:
    history: list[SchoolChange] = []
    new = []
    for row in plan.rows:
        if row.action != Action.NEW:
            continue
        record = row.record
        school = School(bin=record.bin, region_id=record.region_code, **school_fields(record, None))
        school.bank_name, school.bic = bank_for_iban(school.iban) if school.iban else ("", "")
        new.append(school)
        after = {name: new_value for name, _old, new_value in row.changes}
        after.update({"bank_name": school.bank_name, "bic": school.bic} if school.iban else {})
        history.append(SchoolChange(bin=record.bin, kind=ChangeKind.SCHOOL, before={}, after=after))
    School.objects.bulk_create(new, batch_size=1000)

    changed = [row for row in plan.rows if row.action == Action.CHANGED]
    stored = {s.bin: s for s in School.objects.select_for_update().filter(bin__in=[row.record.bin for row in changed])}
    fields = {"region"}
    for row in changed:
        record, school = row.record, stored[row.record.bin]
        changes = list(row.changes)
        for name, _old, _new in row.changes:
            fields.add(name)
        values = school_fields(record, school)
        for name, value in values.items():
            setattr(school, name, value)
        school.region_id = record.region_code
        if any(name == "iban" for name, _old, _new in row.changes):
            bank_name, bic = bank_for_iban(school.iban)
            changes += [("bank_name", school.bank_name, bank_name), ("bic", school.bic, bic)]
            school.bank_name, school.bic = bank_name, bic
            fields.update({"bank_name", "bic"})
        registry_before, registry_after = _split(changes, set(values) - {"iban"})
        bank_before, bank_after = _split(changes, BANK_FIELDS)
        if registry_after:
            history.append(SchoolChange(bin=school.bin, kind=ChangeKind.SCHOOL, before=registry_before, after=registry_after))
        if bank_after:
            history.append(SchoolChange(bin=school.bin, kind=ChangeKind.BANK_ACCOUNT, before=bank_before, after=bank_after))
    if changed:
        School.objects.bulk_update(list(stored.values()), sorted(fields | {"updated_at"}), batch_size=1000)
    return history


def _apply_licences(plan: ImportPlan, load: RegisterLoad) -> list[SchoolChange]:
    history: list[SchoolChange] = []
    new = []
    for row in plan.rows:
        if row.action == Action.NEW:
            record = row.record
            new.append(Licence(bin=record.bin, number=record.number, **licence_fields(record)))
            history.append(SchoolChange(bin=record.bin, kind=ChangeKind.LICENCE, subject=record.number, before={},
                                        after={name: new_value for name, _old, new_value in row.changes}))
    Licence.objects.bulk_create(new, batch_size=1000)
    changed = [row for row in plan.rows if row.action == Action.CHANGED]
    if changed:
        wanted = {(row.record.bin, row.record.number) for row in changed}
        stored = {
            (lic.bin, lic.number): lic
            for lic in Licence.objects.select_for_update().filter(bin__in={bin_value for bin_value, _n in wanted})
            if (lic.bin, lic.number) in wanted
        }
        for row in changed:
            licence = stored[(row.record.bin, row.record.number)]
            for name, value in licence_fields(row.record).items():
                setattr(licence, name, value)
            before, after = _split(row.changes, {name for name, _o, _n in row.changes})
            history.append(SchoolChange(bin=licence.bin, kind=ChangeKind.LICENCE, subject=licence.number, before=before, after=after))
        Licence.objects.bulk_update(list(stored.values()), ["issued_on", "levels", "status", "updated_at"], batch_size=1000)
    return history


def _apply_rnu(plan: ImportPlan, load: RegisterLoad) -> list[SchoolChange]:
    history: list[SchoolChange] = []
    new = []
    for row in plan.rows:
        if row.action == Action.NEW:
            record = row.record
            new.append(UnreliableSupplierEntry(bin=record.bin, included_on=record.included_on, reason=record.reason,
                                               excluded_on=record.excluded_on))
            history.append(SchoolChange(bin=record.bin, kind=ChangeKind.RNU, subject=display(record.included_on), before={},
                                        after={name: new_value for name, _old, new_value in row.changes}))
    UnreliableSupplierEntry.objects.bulk_create(new, batch_size=1000)
    changed = [row for row in plan.rows if row.action == Action.CHANGED]
    if changed:
        wanted = {(row.record.bin, row.record.included_on) for row in changed}
        stored = {
            (e.bin, e.included_on): e
            for e in UnreliableSupplierEntry.objects.select_for_update().filter(bin__in={b for b, _d in wanted})
            if (e.bin, e.included_on) in wanted
        }
        fields = {"updated_at"}
        for row in changed:
            entry = stored[(row.record.bin, row.record.included_on)]
            for name, value in rnu_fields(row.record, plan.columns_present).items():
                setattr(entry, name, value)
                fields.add(name)
            before, after = _split(row.changes, {name for name, _o, _n in row.changes})
            history.append(SchoolChange(bin=entry.bin, kind=ChangeKind.RNU, subject=display(entry.included_on),
                                        before=before, after=after))
        UnreliableSupplierEntry.objects.bulk_update(list(stored.values()), sorted(fields), batch_size=1000)
    return history


@transaction.atomic
def school_profile_update(
    *, school: School, actor, email: str = "", phone: str = "", director: str = "", iban: str = "",
    bank_name: str = "", bic: str = "",
) -> School:
    """A school keeps its own contacts and bank account. BIN and registry data stay read-only here.

    The bank name and BIC come from the IBAN's bank code where schwifty knows it; otherwise the
    school's own entry is kept. Each change is written to the school history and the audit trail.
    """
    school = lock(school)
    require(actor, "edit_profile", school)  # the school itself
    iban = normalize_iban(iban)
    if not iban and school.iban:
        raise DomainError(_("A bank account cannot be removed, only replaced by another one."), field="iban", code="iban_required")
    if iban:
        try:
            validate_kz_iban(iban)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), field="iban", code="invalid_iban") from None
        derived_name, derived_bic = bank_for_iban(iban)
        bank_name, bic = (derived_name, derived_bic) if derived_name else (bank_name.strip(), bic.strip().upper())
    else:
        bank_name = bic = ""
    wanted = {"email": email.strip(), "phone": phone.strip(), "director": director.strip(),
              "iban": iban, "bank_name": bank_name[:200], "bic": bic[:11]}
    before = {name: getattr(school, name) for name in wanted if getattr(school, name) != wanted[name]}
    if not before:
        return school
    after = {name: wanted[name] for name in before}
    for name, value in after.items():
        setattr(school, name, value)
    try:
        school.full_clean(exclude=["bin", "region", "kato", "oked", "name_kk", "name_ru", "address", "capacity", "status"])
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise DomainError(" ".join(messages), field=name, code="invalid") from None
    school.save(update_fields=[*after, "updated_at"])
    changes = []
    for kind, names in ((ChangeKind.CONTACTS, CONTACT_FIELDS), (ChangeKind.BANK_ACCOUNT, BANK_FIELDS)):
        part_before = {name: before[name] for name in names if name in before}
        if part_before:
            changes.append(SchoolChange(bin=school.bin, kind=kind, before=part_before,
                                        after={name: after[name] for name in part_before},
                                        source=ChangeSource.PROFILE, changed_by=actor))
    SchoolChange.objects.bulk_create(changes)
    audit_record(actor=actor, action=SchoolEvent.PROFILE_UPDATED, subject=school, data={"before": before, "after": after})
    return school
