"""Forms of the procurement pages. They only parse input; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.form_styles import BootstrapFormMixin
from procurement.choices import ClaimResolution, RejectReason
from procurement.models import MAX_WARRANTY_MONTHS
from procurement.services import ContractInput, LineInput
from procurement.services.contracts import MAX_PRICE, MAX_QUANTITY

MAX_UPLOAD = 5 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def money_field(label, *, required=True):
    return forms.DecimalField(label=label, max_digits=16, decimal_places=2, min_value=0, max_value=MAX_PRICE, required=required)


class ContractForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(label=_("Contract number"), max_length=60)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    supplier_bin = forms.CharField(label=_("Supplier's BIN"), max_length=12, min_length=12,
                                   help_text=_("Checked against the register of unreliable suppliers on the signing day"))
    supplier_name = forms.CharField(label=_("Supplier"), max_length=300)

    @classmethod
    def initial_for(cls, contract) -> dict:
        return {name: getattr(contract, name) for name in ("number", "signed_on", "supplier_bin", "supplier_name")}

    def to_input(self) -> ContractInput:
        data = self.cleaned_data
        return ContractInput(number=data["number"], signed_on=data["signed_on"], supplier_bin=data["supplier_bin"],
                             supplier_name=data["supplier_name"])


class LineForm(BootstrapFormMixin, forms.Form):
    item_code = forms.CharField(label=_("Item code"), max_length=40)
    item_name = forms.CharField(label=_("Item"), max_length=300)
    school = forms.ModelChoiceField(label=_("School"), queryset=None)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY)
    unit_price = money_field(_("Unit price, KZT"))
    delivery_due = forms.DateField(label=_("Delivery due by"), widget=DateInput())
    warranty_months = forms.IntegerField(label=_("Warranty, months"), min_value=0, max_value=MAX_WARRANTY_MONTHS)
    software = forms.CharField(label=_("Licensed software to be installed"), max_length=5000, required=False,
                               help_text=_("Separate the licences with “;”"))

    def __init__(self, *args, schools, line=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        if line is not None:  # the item and the school are the line's key
            self.fields["item_code"].disabled = True
            self.fields["school"].disabled = True

    @classmethod
    def initial_for(cls, line) -> dict:
        initial = {name: getattr(line, name) for name in ("item_code", "item_name", "quantity", "unit_price", "delivery_due",
                                                          "warranty_months")}
        return {**initial, "school": line.school_id, "software": "; ".join(line.software)}

    def to_input(self) -> LineInput:
        data = self.cleaned_data
        return LineInput(item_code=data["item_code"], item_name=data["item_name"], school=data["school"], quantity=data["quantity"],
                         unit_price=data["unit_price"], delivery_due=data["delivery_due"],
                         warranty_months=data["warranty_months"], software=data["software"] or "")


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("File (CSV UTF-8 or XLSX)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class DeliveryForm(BootstrapFormMixin, forms.Form):
    """A delivery to one school: the date, the waybill and, per line of the school, the serial numbers."""

    delivered_on = forms.DateField(label=_("Delivered on"), widget=DateInput())
    waybill_number = forms.CharField(label=_("Waybill number"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"serials_{line.pk}"] = forms.CharField(
                label=_("Serial numbers of %(item)s (one per line)") % {"item": f"{line.item_code} {line.item_name}"},
                required=False, max_length=200_000, widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}))
            self.fields[f"price_{line.pk}"] = money_field(_("Invoiced unit price, KZT"), required=False)
            self.fields[f"price_{line.pk}"].widget.attrs["placeholder"] = str(line.unit_price)
        if not self.is_bound:
            self.initial.setdefault("delivered_on", timezone.localdate())

    def line_rows(self):
        return [(line, self[f"serials_{line.pk}"], self[f"price_{line.pk}"]) for line in self.lines]

    def units(self):
        """(line, serial, invoiced price or None) for every serial number typed."""
        rows = []
        for line in self.lines:
            price = self.cleaned_data.get(f"price_{line.pk}")
            for serial in (self.cleaned_data.get(f"serials_{line.pk}") or "").replace(",", "\n").splitlines():
                if serial.strip():
                    rows.append((line, serial, price))
        return rows


class InspectForm(forms.Form):
    """The checklist: a ticked box is an item that passed."""

    model_ok = forms.BooleanField(label=_("Model as in the contract"), required=False)
    works = forms.BooleanField(label=_("Works"), required=False)
    software_ok = forms.BooleanField(label=_("Licensed software installed"), required=False)
    warranty_card = forms.BooleanField(label=_("Warranty card present"), required=False)
    note = forms.CharField(label=_("Inspection note"), max_length=2000, required=False)


class AcceptForm(forms.Form):
    confirm = forms.BooleanField(label=_("I inspected this unit myself and answer for its acceptance"), required=True)


class RejectForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for rejection"), choices=[("", "—"), *RejectReason.choices])
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class CorrectDeliveryForm(BootstrapFormMixin, forms.Form):
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DateInput())
    waybill_number = forms.CharField(label=_("Waybill number"), max_length=60, required=False)
    reason = forms.CharField(label=_("Reason for the correction"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PaidForm(BootstrapFormMixin, forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())


class ClaimForm(BootstrapFormMixin, forms.Form):
    serial_number = forms.CharField(label=_("Serial number"), max_length=100,
                                    widget=forms.TextInput(attrs={"list": "accepted-serials", "autocomplete": "off"}))
    description = forms.CharField(label=_("Fault"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(BootstrapFormMixin, forms.Form):
    answered_on = forms.DateField(label=_("Answered on"), widget=DateInput())
    response = forms.CharField(label=_("Supplier's answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CloseClaimForm(BootstrapFormMixin, forms.Form):
    resolution = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *ClaimResolution.choices])
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)
