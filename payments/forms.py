from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from acts.forms import ContractChoiceField


class BankConfirmationForm(forms.Form):
    file = forms.FileField(label=_("Confirmation file (CSV or XLSX)"))


class ReportPrepareForm(forms.Form):
    contract = ContractChoiceField(label=_("Contract"), queryset=None, empty_label=None)

    def __init__(self, *args, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts
        self.fields["contract"].widget.attrs["class"] = "form-select"
