"""The acceptance act of a delivery (core.pdf blocks, in the active language).

It lists every unit with its serial number, the checklist of its inspection and the decision, and
names the responsible person who accepted or rejected each unit: that person answers for it.
Serial numbers, BINs and amounts are never wrapped.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.pdf import Heading, KeyValues, Paragraph, Signatures, Table, pdf_document
from procurement.choices import UnitStatus
from procurement.models import Delivery


def money(value) -> str:
    return formats.number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True)


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else "—"


def _mark(value) -> str:
    if value is None:
        return "—"
    return _("yes") if value else _("no")


def acceptance_act_blocks(delivery: Delivery) -> tuple[str, list]:
    contract, school = delivery.contract, delivery.school
    units = list(delivery.units.select_related("line", "decided_by", "replaces").order_by("line__item_code", "serial_number", "id"))
    rows = []
    for number, unit in enumerate(units, start=1):
        decision = unit.get_status_display()
        if unit.status == UnitStatus.REJECTED:
            decision = f"{decision}: {unit.get_reject_reason_display()}" + (f" ({unit.reject_note})" if unit.reject_note else "")
        if unit.replaces_id:
            decision += " · " + _("replaces %(serial)s") % {"serial": unit.replaces.serial_number}
        rows.append([number, unit.line.item_code, unit.line.item_name, unit.serial_number, money(unit.invoice_unit_price),
                     _mark(unit.model_ok), _mark(unit.works), _mark(unit.software_ok), _mark(unit.warranty_card), decision,
                     unit.decided_by_name or "—", _when(unit.decided_at)])
    accepted = [unit for unit in units if unit.status == UnitStatus.ACCEPTED]
    rejected = [unit for unit in units if unit.status == UnitStatus.REJECTED]
    register = (_("on the register on the delivery day") if delivery.supplier_listed
                else _("not on the register on the delivery day"))
    title = _("Acceptance act of delivery No. %(number)s") % {"number": delivery.pk}
    blocks = [
        Heading(title),
        KeyValues([
            (_("Contract"), f"{contract.number} · {_date(contract.signed_on)}"),
            (_("Supplier"), f"{contract.supplier_name} ({_('BIN')} {contract.supplier_bin}) — {register}"),
            (_("School"), f"{school.name} ({_('BIN')} {school.bin})"),
            (_("Region"), str(contract.region)),
            (_("Delivered on"), _date(delivery.delivered_on)),
            (_("Waybill number"), delivery.waybill_number or "—"),
            (_("Recorded"), f"{_when(delivery.recorded_at)} · {delivery.recorded_by}"),
            (_("Units"), _("%(total)s delivered: %(accepted)s accepted, %(rejected)s rejected, %(pending)s not decided")
             % {"total": len(units), "accepted": len(accepted), "rejected": len(rejected),
                "pending": len(units) - len(accepted) - len(rejected)}),
            (_("Accepted value"), money(sum((unit.line.unit_price for unit in accepted), Decimal("0")))),
        ]),
        Paragraph(_("Each unit was inspected against the checklist — the model as in the contract, it works, the licensed "
                    "software is installed, the warranty card is present — and accepted only when every item passed. "
                    "The person who accepted a unit answers for its acceptance."), small=True),
        Table(
            ["№", _("Item code"), _("Item"), _("Serial number"), _("Invoiced unit price"), _("Model"), _("Works"),
             _("Software"), _("Warranty card"), _("Decision"), _("Responsible person"), _("When")],
            rows, numeric={0, 4}, nowrap={1, 3, 4},
        ),
    ]
    people: dict[str, list] = {}
    for unit in units:
        if unit.decided_by_name:
            people.setdefault(unit.decided_by_name, []).append(unit)
    signatures = []
    for name, decided in people.items():
        taken = sum(1 for unit in decided if unit.status == UnitStatus.ACCEPTED)
        signatures.append((name, _("accepted %(accepted)s unit(s), rejected %(rejected)s; answers for the acceptance")
                           % {"accepted": taken, "rejected": len(decided) - taken}))
    blocks.append(Heading(_("Responsible persons"), level=2))
    blocks.append(Signatures(signatures or [(_("Responsible person"), _("no unit has been decided yet"))]))
    return title, blocks


def acceptance_act_pdf(delivery: Delivery) -> bytes:
    title, blocks = acceptance_act_blocks(delivery)
    return pdf_document(title=title, blocks=blocks)
