from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from acts.forms import ContractChoiceField
from core.uploads import TableFileField


class BankConfirmationForm(forms.Form):
    file = TableFileField(label=_("Confirmation file (CSV or XLSX)"))


class ReportPrepareForm(forms.Form):
    contract = ContractChoiceField(label=_("Contract"), queryset=None, empty_label=None)

    def __init__(self, *args, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts
        self.fields["contract"].widget.attrs["class"] = "form-select"
