"""OCDS releases and records built from the public tables (never from the portal's own tables).

One contracting process (one ``ocid``) is one state order: ``<OCDS_OCID_PREFIX>-<order id>``.

* the **tender** is the order: budget, places and norms by level (items), the application window
  (tender period), the service period (contract period), the schools that applied (tenderers);
* an **award** is an approved application: the school (supplier) and the places approved by level;
* a **contract** is a contract: number, period, total amount, status, its award (the application);
* its **implementation** lists the paid payments as transactions (the amount transferred; a
  payment for fewer than 5 pupils carries no amount, by the open data's small-numbers rule).

Releases are kept (``OcdsRelease``): each refresh adds a release for what is new or changed — the
release id ends with a digest of its content — and leaves the earlier ones, so that a record lists
a process's whole history. A record's compiled release is merged from its releases by ``ocdsmerge``
with the OCDS 1.1.5 merge rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.models import Region
from opendata.choices import Mark
from opendata.models import OcdsRecord, OcdsRelease, PublicApplication, PublicContract, PublicOrder, PublicPayment, PublicSchool
from opendata.ocds.schema import VERSION, release_schema
from orders.choices import ApplicationStatus, ContractStatus, OrderStatus
from schools.choices import Level

CURRENCY = "KZT"
LANGUAGE = "ru"  # names and titles are given in Russian, with ``*_kk`` in Kazakh (OCDS language variants)

# The portal's contract status → OCDS contractStatus (closed list); the portal's own status is in the open API.
CONTRACT_STATUS = {
    ContractStatus.DRAFT: "pending",
    ContractStatus.SIGNED_BY_SCHOOL: "pending",
    ContractStatus.ACTIVE: "active",
    ContractStatus.SUSPENDED: "active",
    ContractStatus.TERMINATED: "terminated",
    ContractStatus.CLOSED: "terminated",
}
# tenderStatus: a published order takes applications (active) until it is closed (complete).
TENDER_STATUS = {OrderStatus.PUBLISHED: "active", OrderStatus.CLOSED: "complete"}
UPDATE_TAG = {"tender": "tenderUpdate", "award": "awardUpdate", "contract": "contractUpdate",
              "implementation": "implementationUpdate"}


def ocid_of(order_id: int) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{order_id}"


def money(amount: Decimal) -> dict:
    """An OCDS Value. JSON numbers: an amount with 2 decimals is exactly what its shortest float repr prints."""
    return {"amount": int(amount) if amount == amount.to_integral_value() else float(amount), "currency": CURRENCY}


def _as_datetime(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(), tzinfo=timezone.get_current_timezone())


def _datetime(value: dt.date | dt.datetime) -> str:
    return _as_datetime(value).isoformat(timespec="seconds")


def _digest(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]


# --- parties ---------------------------------------------------------------------------------

def _buyer(region: Region) -> dict:
    with override("ru"):
        name_ru = _("Education department of %(region)s") % {"region": region.name_ru}
    with override("kk"):
        name_kk = _("Education department of %(region)s") % {"region": region.name_kk}
    return {"id": f"KZ-KATO-{region.kato}", "name": name_ru, "name_kk": name_kk}


def _school(school: PublicSchool) -> dict:
    return {"id": f"KZ-BIN-{school.bin}", "name": school.name_ru, "name_kk": school.name_kk}


def _party(reference: dict, roles: list[str], identifier: dict | None = None, address: dict | None = None) -> dict:
    party = {**reference, "roles": roles}
    if identifier:
        party["identifier"] = identifier
    if address:
        party["address"] = address
    return party


def _school_party(school: PublicSchool, roles: list[str]) -> dict:
    return _party(_school(school), roles, identifier={"scheme": "KZ-BIN", "id": school.bin, "legalName": school.name_ru},
                  address={"streetAddress": school.address, "region": school.region_id, "countryName": "Kazakhstan"}
                  if school.address else None)


def _reference(party: dict) -> dict:
    return {"id": party["id"], "name": party["name"]}


# --- the parts of a process ------------------------------------------------------------------

def _level_label(level: str, language: str) -> str:
    with override(language):
        return str(dict(Level.choices).get(level, level))


def _item(level: str, quantity: int, norm: Decimal) -> dict:
    return {
        "id": level,
        "description": _level_label(level, "ru"),
        "quantity": quantity,
        "unit": {"name": "pupil-month", "value": money(norm)},
    }


def _tender(order: PublicOrder, buyer: dict, tenderers: list[dict]) -> dict:
    title = order.title_ru or order.title or f"{order.programme_code} {order.school_year_label}"
    variants = {f"title_{code}": value for code, value in (("kk", order.title), ("en", order.title_en)) if value}
    tender = {
        "id": str(order.id),
        "title": title,
        **variants,
        "status": TENDER_STATUS.get(order.status, "active"),
        "procuringEntity": _reference(buyer),
        "value": money(order.budget),
        "procurementMethod": "open",
        "procurementMethodDetails": "State educational order: per-capita funding, applications decided in order of submission",
        "mainProcurementCategory": "services",
        "items": [_item(level.level, level.places, level.monthly_norm) for level in order.levels.all()],
        "tenderPeriod": {"startDate": _datetime(order.applications_open_at), "endDate": _datetime(order.applications_close_at)},
        "contractPeriod": {"startDate": _datetime(order.service_start), "endDate": _datetime(order.service_end)},
        "numberOfTenderers": len(tenderers),
    }
    if tenderers:
        tender["tenderers"] = tenderers
    return tender


def _award(application: PublicApplication, norms: dict[str, Decimal], contract: PublicContract | None) -> dict:
    award = {
        "id": str(application.id),
        "status": "active",
        "suppliers": [_reference(_school(application.school))],
        "items": [_item(level.level, level.approved_places or 0, norms.get(level.level, Decimal(0)))
                  for level in application.levels.all() if level.approved_places],
    }
    if application.decided_at:
        award["date"] = _datetime(application.decided_at)
    if contract is not None:
        award["value"] = money(contract.total_amount)
        award["contractPeriod"] = {"startDate": _datetime(contract.period_start), "endDate": _datetime(contract.period_end)}
    return award


def _contract(contract: PublicContract) -> dict:
    data = {
        "id": str(contract.id),
        "awardID": str(contract.application_id),
        "title": contract.number,
        "status": CONTRACT_STATUS.get(contract.status, "pending"),
        "period": {"startDate": _datetime(contract.period_start), "endDate": _datetime(contract.period_end)},
        "value": money(contract.total_amount),
        "items": [_item(level.level, level.places, level.monthly_norm) for level in contract.levels.all()],
    }
    if contract.signed_at:
        data["dateSigned"] = _datetime(contract.signed_at)
    return data


def _transaction(payment: PublicPayment, buyer: dict, school: dict) -> dict:
    transaction = {
        "id": payment.reference,
        "payer": _reference(buyer),
        "payee": _reference(school),
    }
    if payment.paid_on:
        transaction["date"] = _datetime(payment.paid_on)
    if payment.amount_mark == Mark.SHOWN:
        transaction["value"] = money(payment.amount)
    return transaction


# --- releases --------------------------------------------------------------------------------

def _release(ocid: str, subject: str, tag: str, date, data: dict) -> dict:
    return {"ocid": ocid, "subject": subject, "tag": tag, "event_date": date, "data": data}


def process_releases(order: PublicOrder, applications: list[PublicApplication], contracts: list[PublicContract],
                     payments: dict[int, list[PublicPayment]], *, now: dt.datetime) -> list[dict]:
    """The releases describing ``order``'s process as it stands (before ids and dates are given)."""
    ocid = ocid_of(order.id)
    buyer = _buyer(order.region)
    buyer_party = _party(buyer, ["buyer", "procuringEntity", "payer"])
    tenderers = [_reference(_school(application.school)) for application in applications]
    tender_parties = [buyer_party] + [_school_party(application.school, ["tenderer"]) for application in applications]
    releases = [_release(ocid, "tender", "tender", order.published_at or order.applications_open_at, {
        "parties": _unique(tender_parties), "buyer": _reference(buyer), "tender": _tender(order, buyer, tenderers)})]

    norms = {level.level: level.monthly_norm for level in order.levels.all()}
    contract_of = {contract.application_id: contract for contract in contracts}
    for application in applications:
        if application.status != ApplicationStatus.APPROVED and application.id not in contract_of:
            continue
        releases.append(_release(ocid, f"award-{application.id}", "award", application.decided_at or now, {
            "parties": [buyer_party, _school_party(application.school, ["supplier", "tenderer"])],
            "buyer": _reference(buyer),
            "awards": [_award(application, norms, contract_of.get(application.id))],
        }))
    for contract in contracts:
        school = _school(contract.school)
        releases.append(_release(ocid, f"contract-{contract.id}", "contract", contract.signed_at or now, {
            "parties": [buyer_party, _school_party(contract.school, ["supplier", "payee"])],
            "buyer": _reference(buyer),
            "contracts": [_contract(contract)],
        }))
        paid = payments.get(contract.id, [])
        if paid:
            last = max((payment.paid_on for payment in paid if payment.paid_on), default=None)
            releases.append(_release(ocid, f"implementation-{contract.id}", "implementation", last or now, {
                "parties": [buyer_party, _school_party(contract.school, ["supplier", "payee"])],
                "buyer": _reference(buyer),
                "contracts": [{"id": str(contract.id), "awardID": str(contract.application_id),
                               "implementation": {"transactions": [_transaction(p, buyer, school) for p in paid]}}],
            }))
    return releases


def _unique(parties: list[dict]) -> list[dict]:
    seen: dict[str, dict] = {}
    for party in parties:
        if party["id"] in seen:
            seen[party["id"]]["roles"] = sorted(set(seen[party["id"]]["roles"]) | set(party["roles"]))
        else:
            seen[party["id"]] = party
    return list(seen.values())


def current_releases(*, now: dt.datetime) -> list[dict]:
    """Every process's releases as the public tables stand."""
    orders = list(PublicOrder.objects.select_related("region").prefetch_related("levels"))
    applications: dict[int, list] = defaultdict(list)
    for application in (PublicApplication.objects.select_related("school").prefetch_related("levels")
                        .order_by("order_id", "position")):
        applications[application.order_id].append(application)
    contracts: dict[int, list] = defaultdict(list)
    for contract in PublicContract.objects.select_related("school").prefetch_related("levels").order_by("order_id", "number"):
        contracts[contract.order_id].append(contract)
    payments: dict[int, list] = defaultdict(list)
    for payment in PublicPayment.objects.order_by("contract_id", "month", "id"):
        payments[payment.contract_id].append(payment)
    releases = []
    for order in orders:
        releases += process_releases(order, applications[order.id], contracts[order.id], payments, now=now)
    return releases


def releases_refresh(*, now: dt.datetime | None = None) -> int:
    """Add a release for every part of every process that is new or changed since it was last released.

    Returns the number of releases added. A part seen before gets the ``…Update`` tag and the
    refresh's time as its date (the public tables do not keep when a status changed); a new part
    gets the time of its event (order published, application decided, contract signed, last payment).
    """
    now = now or timezone.now()
    known: dict[tuple[str, str], set[str]] = defaultdict(set)
    for ocid, subject, release_id in OcdsRelease.objects.values_list("ocid", "subject", "release_id"):
        known[(ocid, subject)].add(release_id)
    region_of = dict(PublicOrder.objects.values_list("id", "region_id"))
    new = []
    for release in current_releases(now=now):
        ocid, subject = release["ocid"], release["subject"]
        release_id = f"{ocid}-{subject}-{_digest(release['data'])}"
        seen = known[(ocid, subject)]
        if release_id in seen:
            continue
        date = now if seen else _as_datetime(release["event_date"])
        tag = UPDATE_TAG[release["tag"]] if seen else release["tag"]
        data = {"ocid": ocid, "id": release_id, "date": _datetime(date), "tag": [tag], "initiationType": "tender",
                "language": LANGUAGE, **release["data"]}
        order_id = int(ocid.rsplit("-", 1)[1])
        new.append(OcdsRelease(ocid=ocid, release_id=release_id, subject=subject, date=date,
                               region_id=region_of[order_id], data=data))
    OcdsRelease.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    _records_refresh({release.ocid for release in new})
    return len(new)


def _records_refresh(ocids: set[str]) -> None:
    """Compile the record of every process whose releases changed."""
    if not ocids:
        return
    from ocdsmerge import Merger

    merger = Merger(schema=release_schema())
    by_ocid: dict[str, list] = defaultdict(list)
    for release in OcdsRelease.objects.filter(ocid__in=ocids).order_by("date", "id"):
        by_ocid[release.ocid].append(release)
    OcdsRecord.objects.filter(ocid__in=ocids).delete()
    OcdsRecord.objects.bulk_create([
        OcdsRecord(ocid=ocid, region_id=releases[-1].region_id, date=releases[-1].date,
                   data=merger.create_compiled_release([release.data for release in releases]))
        for ocid, releases in by_ocid.items()
    ], batch_size=500)


def package_metadata(*, uri: str, published: dt.datetime) -> dict:
    """The fields every OCDS package of the portal carries."""
    metadata = {
        "uri": uri,
        "version": VERSION,
        "publishedDate": _datetime(published),
        "publisher": {"name": settings.OPEN_DATA_PUBLISHER},
    }
    if settings.OPEN_DATA_LICENSE:
        metadata["license"] = settings.OPEN_DATA_LICENSE
    if settings.OPEN_DATA_POLICY_URL:
        metadata["publicationPolicy"] = settings.OPEN_DATA_POLICY_URL
    return metadata


def releases_by_ocid(ocids) -> dict[str, list[tuple]]:
    """(id, release_id, date, tag) of the releases of each process, oldest first — one query for a page of records."""
    found: dict[str, list[tuple]] = {ocid: [] for ocid in ocids}
    rows = (OcdsRelease.objects.filter(ocid__in=list(found)).order_by("ocid", "date", "id")
            .values_list("ocid", "id", "release_id", "date", "data__tag"))
    for ocid, *release in rows:
        found[ocid].append(tuple(release))
    return found


def record_of(record: OcdsRecord, release_url, releases: list[tuple] | None = None) -> dict:
    """An OCDS record: the process's linked releases (oldest first; ``releases_by_ocid``) and its compiled release."""
    if releases is None:
        releases = releases_by_ocid([record.ocid])[record.ocid]
    return {
        "ocid": record.ocid,
        "releases": [{"url": release_url(pk, release_id), "date": _datetime(date), "tag": tag}
                     for pk, release_id, date, tag in releases],
        "compiledRelease": record.data,
    }

