"""The programme form: it only parses; ``programmes.services`` decides what a programme may be.

Norms and terms are entered one per line (``key;norm;label kk;label ru;label en`` and
``name;YYYY-MM-DD;YYYY-MM-DD``), so that a grant programme can name any number of specialty groups.
"""

from __future__ import annotations

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.parsing import parse_amount, parse_date
from programmes.choices import InstrumentCode, Proration
from programmes.instruments import FIXED_CATEGORY_LABELS, INSTRUMENTS
from programmes.services import NormInput, ProgrammeInput, TermInput
from schools.choices import ProviderKind


class ProgrammeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("letters, digits, dots, dashes; e.g. DORM-71-2026"))
    instrument = forms.ChoiceField(label=_("Instrument"), choices=InstrumentCode.choices)
    name_kk = forms.CharField(label=_("Name (Kazakh)"), max_length=300)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=300)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    proration = forms.ChoiceField(label=_("Proration"), choices=[("", _("the instrument's default")), *Proration.choices],
                                  required=False)
    provider_kind = forms.ChoiceField(label=_("Providers"), choices=[("", _("the instrument's default")), *ProviderKind.choices],
                                      required=False)
    norms = forms.CharField(
        label=_("Norms by category"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One category a line: key;norm per period;label in Kazakh;label in Russian;label in English. "
                    "The keys of each instrument and what they mean are in the table above; a grant's categories are "
                    "the codes of its specialty groups."))
    terms = forms.CharField(label=_("Academic terms"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                            help_text=_("Grants only. One term a line: name;first day (YYYY-MM-01);last day of a month."))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["instrument"].disabled = True
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean_norms(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["norms"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(";")]
            if len(parts) < 2:
                raise forms.ValidationError(_("Line %(line)s: write at least the key and the norm.") % {"line": number})
            try:
                amount = parse_amount(parts[1])
            except ValueError as error:
                raise forms.ValidationError(_("Line %(line)s: %(error)s") % {"line": number, "error": error}) from None
            labels = (parts[2:] + ["", "", ""])[:3]
            if not any(labels) and parts[0] in FIXED_CATEGORY_LABELS:
                labels = []
                for language in ("kk", "ru", "en"):  # the category's own label in each language
                    with translation.override(language):
                        labels.append(str(FIXED_CATEGORY_LABELS[parts[0]]))
            rows.append(NormInput(key=parts[0], amount=amount, label_kk=labels[0], label_ru=labels[1], label_en=labels[2]))
        return rows

    def clean_terms(self):
        rows = []
        for number, line in enumerate((self.cleaned_data.get("terms") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(";")]
            try:
                if len(parts) != 3:
                    raise ValueError(_("write name;first day;last day"))
                rows.append(TermInput(name=parts[0], start=parse_date(parts[1]), end=parse_date(parts[2])))
            except ValueError as error:
                raise forms.ValidationError(_("Line %(line)s: %(error)s") % {"line": number, "error": error}) from None
        return rows

    def to_input(self, *, instrument: str | None = None) -> ProgrammeInput:
        data = self.cleaned_data
        return ProgrammeInput(
            code=data["code"].strip(), name_kk=data["name_kk"], name_ru=data["name_ru"], name_en=data.get("name_en") or "",
            instrument=instrument or data["instrument"], proration=data.get("proration") or "",
            provider_kind=data.get("provider_kind") or "", norms=data["norms"], terms=data["terms"],
        )

    @staticmethod
    def initial_for(programme=None, instrument: str | None = None) -> dict:
        if programme is None:
            item = INSTRUMENTS.get(instrument or InstrumentCode.DORMITORY_PLACE)
            norms = "\n".join(f"{key};0.00" for key in item.categories) if item else ""
            return {"instrument": item.code.value if item else "", "norms": norms}
        return {
            "code": programme.code, "instrument": programme.instrument, "name_kk": programme.name_kk,
            "name_ru": programme.name_ru, "name_en": programme.name_en, "proration": programme.proration,
            "provider_kind": programme.provider_kind,
            "norms": "\n".join(f"{n.key};{n.amount};{n.label_kk};{n.label_ru};{n.label_en}" for n in programme.norms.all()),
            "terms": "\n".join(f"{t.name};{t.start};{t.end}" for t in programme.terms.all()),
        }
