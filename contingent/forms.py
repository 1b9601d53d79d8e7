from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from contingent.choices import PupilCategory
from contingent.validation import CONTINGENT_COLUMNS, row_problems
from core.uploads import TableFileField
from programmes.choices import BeneficiaryKind
from programmes.instruments import beneficiary_columns, instrument_of_kind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
GRADE_CHOICES = [(grade, str(grade)) for grade in range(12)]


class BootstrapForm(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                css = "form-select"
            elif isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class _RowRulesMixin:
    """Check the values with the importers' row rules; each problem goes to its field."""

    def check_row(self, values: dict) -> None:
        text = {name: ("" if values.get(name) is None else (values[name].isoformat() if hasattr(values[name], "isoformat")
                                                              else str(values[name]))) for name in CONTINGENT_COLUMNS}
        for column, message in row_problems(text, columns=CONTINGENT_COLUMNS):
            self.add_error(column if column in self.fields else None, message)


class EnrolmentAddForm(_RowRulesMixin, BootstrapForm):
    iin = forms.CharField(label=_("IIN"), max_length=12, min_length=12)
    last_name = forms.CharField(label=_("last name"), max_length=100)
    first_name = forms.CharField(label=_("first name"), max_length=100)
    middle_name = forms.CharField(label=_("middle name"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("birth date"), widget=DATE)
    grade = forms.TypedChoiceField(label=_("grade"), choices=GRADE_CHOICES, coerce=int)
    category = forms.ChoiceField(label=_("category"), choices=PupilCategory.choices, initial=PupilCategory.REGULAR)
    enrolled_on = forms.DateField(label=_("enrolled on"), widget=DATE)
    left_on = forms.DateField(label=_("left on"), widget=DATE, required=False)

    def clean(self):
        data = super().clean()
        if not self.errors:
            self.check_row(data)
        return data


class EnrolmentEditForm(_RowRulesMixin, BootstrapForm):
    last_name = forms.CharField(label=_("last name"), max_length=100)
    first_name = forms.CharField(label=_("first name"), max_length=100)
    middle_name = forms.CharField(label=_("middle name"), max_length=100, required=False)
    grade = forms.TypedChoiceField(label=_("grade"), choices=GRADE_CHOICES, coerce=int)
    category = forms.ChoiceField(label=_("category"), choices=PupilCategory.choices)
    enrolled_on = forms.DateField(label=_("enrolled on"), widget=DATE)
    left_on = forms.DateField(label=_("left on"), widget=DATE, required=False)

    def __init__(self, *args, enrolment, **kwargs):
        self.enrolment = enrolment
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not self.errors:
            self.check_row({**data, "iin": self.enrolment.pupil.iin, "birth_date": self.enrolment.pupil.birth_date})
        return data


class LeaveForm(BootstrapForm):
    left_on = forms.DateField(label=_("last day at the school"), widget=DATE)
    reason = forms.CharField(label=_("reason (optional)"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class UploadForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("beneficiaries"), choices=BeneficiaryKind.choices, initial=BeneficiaryKind.PUPIL,
                             required=False)
    file = TableFileField(label=_("contingent file (CSV UTF-8 or XLSX)"),
                          help_text=_("Columns: %(columns)s") % {"columns": ",".join(CONTINGENT_COLUMNS)})

    def __init__(self, *args, school=None, **kwargs):
        super().__init__(*args, **kwargs)
        if school is not None:  # only the kinds the provider lists (a school: pupils; a dormitory: residents …)
            kinds = [kind for kind in BeneficiaryKind.values if school.kind in instrument_of_kind(kind).provider_kinds]
            self.fields["kind"].choices = [(kind, BeneficiaryKind(kind).label) for kind in kinds]
            self.fields["kind"].initial = kinds[0] if kinds else BeneficiaryKind.PUPIL
            self.fields["file"].help_text = " ".join(
                _("%(kind)s — columns: %(columns)s.") % {"kind": BeneficiaryKind(kind).label,
                                                         "columns": ",".join(beneficiary_columns(kind))} for kind in kinds)

    def clean_kind(self):
        """Not given: the provider's first kind (a school's pupils)."""
        return self.cleaned_data.get("kind") or self.fields["kind"].initial
