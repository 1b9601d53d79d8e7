"""Forms of the act pages (the payment pages reuse ``ContractChoiceField`` and ``ReasonForm``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from acts.choices import LINE_VERDICT_CHOICES, InspectionResult, LineRejectReason
from acts.deadlines import parse_month
from acts.services.reviews import SELECTION_PENDING_BLOCKED, SELECTION_PENDING_PAYABLE


class MonthInput(forms.DateInput):
    input_type = "month"


class ContractChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, contract):
        return f"{contract.number} — {contract.school.name} ({contract.period_start:%d.%m.%Y}–{contract.period_end:%d.%m.%Y})"


class ActBuildForm(forms.Form):
    contract = ContractChoiceField(label=_("Contract"), queryset=None, empty_label=None)
    month = forms.CharField(label=_("Month"), widget=MonthInput(attrs={"class": "form-control"}), max_length=10)

    def __init__(self, *args, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts
        self.fields["contract"].widget.attrs["class"] = "form-select"

    def clean_month(self):
        try:
            return parse_month(self.cleaned_data["month"])
        except ValueError:
            raise forms.ValidationError(_("Give the month as YYYY-MM.")) from None


class IdListField(forms.Field):
    """Ticked line ids (the service checks that they belong to the act)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value or []
        if not all(str(v).isdigit() and 0 < int(v) < 2**62 for v in values):
            raise forms.ValidationError(_("Select lines of this act."))
        return [int(v) for v in values]


class DecideLinesForm(forms.Form):
    SELECTIONS = [
        ("", _("the lines ticked below")),
        (SELECTION_PENDING_PAYABLE, _("every undecided line without an open error")),
        (SELECTION_PENDING_BLOCKED, _("every undecided line with an open error")),
    ]

    decision = forms.ChoiceField(label=_("Decision"), choices=LINE_VERDICT_CHOICES, widget=forms.RadioSelect)
    selection = forms.ChoiceField(label=_("Apply to"), choices=SELECTIONS, required=False)
    lines = IdListField(label=_("Lines"), required=False)
    reason = forms.ChoiceField(label=_("Reason for rejection"), choices=[("", "—"), *LineRejectReason.choices],
                               required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class InspectLineForm(forms.Form):
    line = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("Inspection result"), choices=[
        (value, label) for value, label in InspectionResult.choices if value != InspectionResult.PENDING])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
