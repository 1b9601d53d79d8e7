from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.form_styles import BootstrapFormMixin
from core.identifiers import normalize_iban, validate_kz_iban
from core.models import Region
from core.uploads import TableFileField
from schools.choices import RegisterKind, SchoolStatus
from schools.widgets import SchoolAutocomplete


class SchoolProfileForm(BootstrapFormMixin, forms.Form):
    """What a school keeps itself: contacts and bank account. BIN and registry data are read-only."""

    director = forms.CharField(label=_("director"), max_length=200, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    iban = forms.CharField(
        label=_("bank account (IBAN)"), max_length=34, required=False,
        help_text=_("KZ and 18 characters; the bank and its BIC are filled in from the IBAN."),
    )
    bank_name = forms.CharField(
        label=_("bank"), max_length=200, required=False,
        help_text=_("Only needed when the bank is not recognised from the IBAN."),
    )
    bic = forms.CharField(label=_("BIC"), max_length=11, required=False)

    def clean_iban(self):
        value = normalize_iban(self.cleaned_data.get("iban", ""))
        if value:
            validate_kz_iban(value)
        return value


class SchoolSearchForm(BootstrapFormMixin, forms.Form):
    """The directory's filter form (the filtering itself is ``schools.filters.SchoolFilterSet``)."""

    q = forms.CharField(label=_("name or BIN"), required=False, max_length=100, widget=SchoolAutocomplete)
    region = forms.ModelChoiceField(
        label=_("region"), queryset=Region.objects.all(), to_field_name="code", required=False, empty_label=_("all regions"),
    )
    status = forms.ChoiceField(label=_("status"), choices=[("", _("any status")), *SchoolStatus.choices], required=False)
    has_open_errors = forms.ChoiceField(
        label=_("open errors"), required=False,
        choices=[("", _("any")), ("true", _("with open errors")), ("false", _("without open errors"))],
    )


class RegisterUploadForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("register"), choices=RegisterKind.choices)
    file = TableFileField(label=_("file (CSV in UTF-8, or XLSX)"))
