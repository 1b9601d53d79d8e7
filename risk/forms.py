from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.form_styles import BootstrapFormMixin
from core.models import Region
from core.roles import Role
from core.scoping import effective_role
from risk.choices import RiskCode, RiskFlagStatus
from schools.widgets import SchoolAutocomplete


class RiskFlagSearchForm(BootstrapFormMixin, forms.Form):
    """The flag list's filter form (the filtering itself is ``risk.filters.RiskFlagFilterSet``)."""

    code = forms.MultipleChoiceField(label=_("code"), choices=RiskCode.choices, required=False,
                                     widget=forms.SelectMultiple(attrs={"size": 5}))
    status = forms.MultipleChoiceField(label=_("status"), choices=RiskFlagStatus.choices, required=False,
                                       widget=forms.SelectMultiple(attrs={"size": 2}))
    # A part of the name, the BIN or the id, as the findings' and the cases' school boxes (``risk.filters.FlagSchoolFilter``);
    # the box suggests the schools the user may see (``schools:autocomplete``). ``?school_bin=`` still takes an exact BIN.
    school = forms.CharField(label=_("school (name or BIN)"), max_length=200, required=False, widget=SchoolAutocomplete)
    iin = forms.CharField(label=_("IIN"), max_length=12, required=False)
    region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.all(), to_field_name="code", required=False,
                                    empty_label=_("all regions"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if effective_role(user) == Role.DEPARTMENT:  # a department sees its own region only
            del self.fields["region"]
