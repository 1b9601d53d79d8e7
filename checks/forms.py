from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from checks.choices import FindingCode, FindingStatus, Severity
from core.form_styles import BootstrapFormMixin
from core.models import Region
from core.roles import Role
from core.scoping import effective_role
from schools.widgets import SchoolAutocomplete


class FindingSearchForm(BootstrapFormMixin, forms.Form):
    """The findings list's filter form (the filtering itself is ``checks.filters.FindingFilterSet``)."""

    code = forms.MultipleChoiceField(label=_("code"), choices=FindingCode.choices, required=False,
                                     widget=forms.SelectMultiple(attrs={"size": 4}))
    severity = forms.ChoiceField(label=_("severity"), choices=[("", _("any severity")), *Severity.choices], required=False)
    status = forms.MultipleChoiceField(label=_("status"), choices=FindingStatus.choices, required=False,
                                       widget=forms.SelectMultiple(attrs={"size": 4}))
    school = forms.CharField(label=_("school (name or BIN)"), max_length=200, required=False, widget=SchoolAutocomplete)
    region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.all(), to_field_name="code", required=False,
                                    empty_label=_("all regions"))
    date_from = forms.DateField(label=_("checked from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("checked to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if effective_role(user) == Role.SCHOOL:
            del self.fields["school"], self.fields["region"]
        elif effective_role(user) == Role.DEPARTMENT:
            del self.fields["region"]


class FindingExplainForm(BootstrapFormMixin, forms.Form):
    explanation = forms.CharField(
        label=_("Explanation"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this warning is not a problem, or what the school is doing about it."),
    )


class FindingDecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        ("waive", _("Waive: accept it as not blocking")), ("resolve", _("Resolve: the problem is fixed")),
    ])
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
