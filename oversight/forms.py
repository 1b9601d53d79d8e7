from __future__ import annotations

import os

from django import forms
from django.apps import apps
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.audit_actions import action_choices
from core.form_styles import BootstrapFormMixin
from oversight.choices import Addressee, CaseGround, CaseStatus, Conclusion, SubjectKind
from schools.widgets import SchoolAutocomplete


class ActorAutocomplete(SchoolAutocomplete):
    """The "who" box: a person's name, offered as the user types from the people whose actions the reader sees
    (``oversight:actor-autocomplete``); a login typed by hand still works (``oversight.filters.actor_q``)."""

    url_name = "oversight:actor-autocomplete"


class AuditSearchForm(BootstrapFormMixin, forms.Form):
    """The audit page's filters (the filtering itself is ``oversight.filters.AuditEventFilterSet``)."""

    school_bin = forms.CharField(label=_("school (name or BIN)"), max_length=200, required=False, widget=SchoolAutocomplete)
    object_type = forms.ChoiceField(label=_("object type"), required=False)
    object_id = forms.CharField(label=_("object id"), max_length=64, required=False)
    actor = forms.CharField(label=_("who (full name)"), max_length=300, required=False, widget=ActorAutocomplete)
    action = forms.MultipleChoiceField(label=_("action"), required=False, widget=forms.SelectMultiple(attrs={"size": 4}))
    date_from = forms.DateField(label=_("written from (date)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("written up to (date)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = action_choices()
        self.fields["object_type"].choices = object_type_choices()


def object_type_choices() -> list:
    """The portal's own kinds of object, by name, grouped by app (the value is the ``app_label.model`` the
    audit filter reads)."""
    groups = []
    for config in apps.get_app_configs():
        if not config.path.startswith(str(settings.BASE_DIR)) or f"{os.sep}.venv{os.sep}" in config.path:
            continue
        models = sorted(config.get_models(), key=lambda model: str(model._meta.verbose_name))
        if models:
            groups.append((str(config.verbose_name), [(model._meta.label_lower, capfirst(model._meta.verbose_name))
                                                      for model in models]))
    return [("", _("any object")), *sorted(groups)]


class CaseSearchForm(BootstrapFormMixin, forms.Form):
    status = forms.MultipleChoiceField(label=_("status"), choices=CaseStatus.choices, required=False,
                                       widget=forms.SelectMultiple(attrs={"size": 3}))
    ground = forms.ChoiceField(label=_("ground"), choices=[("", _("any ground")), *CaseGround.choices], required=False)
    school = forms.CharField(label=_("school (name or BIN)"), max_length=200, required=False, widget=SchoolAutocomplete)


class CaseOpenForm(BootstrapFormMixin, forms.Form):
    subject_kind = forms.ChoiceField(label=_("The case is about"), choices=SubjectKind.choices)
    subject_id = forms.IntegerField(label=_("Number of the school, contract, act or flag"), min_value=1, max_value=2**63 - 1)
    ground = forms.ChoiceField(label=_("Ground"), choices=CaseGround.choices)
    ground_details = forms.CharField(label=_("What prompted the case"), max_length=4000,
                                     widget=forms.Textarea(attrs={"rows": 4}))


class CaseAskForm(BootstrapFormMixin, forms.Form):
    addressee = forms.ChoiceField(label=_("To"), choices=Addressee.choices)
    text = forms.CharField(label=_("Question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    working_days = forms.IntegerField(label=_("Answer within (working days)"), min_value=1, max_value=60, initial=10)


class TextForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Text"), max_length=8000, widget=forms.Textarea(attrs={"rows": 3}))


class CaseConcludeForm(BootstrapFormMixin, forms.Form):
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=Conclusion.choices)
    text = forms.CharField(label=_("Conclusion in words"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AttachForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("File"))
    internal = forms.BooleanField(label=_("Internal (monitors and operators only)"), required=False)
