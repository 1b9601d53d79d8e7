"""Forms of the order pages. They only parse input; the services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.services import LevelInput, OrderInput
from orders.services.state_orders import MAX_NORM, MAX_PLACES
from programmes.choices import InstrumentCode
from programmes.labels import category_label


class BootstrapMixin:
    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def places_field(label, *, required=False, max_value=MAX_PLACES):
    return forms.IntegerField(label=label, min_value=0, max_value=max_value, required=required,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


class OrderForm(BootstrapMixin, forms.Form):
    school_year = forms.IntegerField(label=_("School year (first year)"), min_value=2000, max_value=2100,
                                     help_text=_("2025 means 2025–2026"))
    programme_code = forms.CharField(label=_("Budget programme code"), max_length=20)
    title = forms.CharField(label=_("Title in Kazakh"), max_length=300, required=False)
    title_ru = forms.CharField(label=_("Title in Russian"), max_length=300, required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=300, required=False)
    budget = forms.DecimalField(label=_("Money available, KZT"), max_digits=16, decimal_places=2, min_value=0)
    sen_coefficient = forms.DecimalField(label=_("Coefficient for special educational needs"), max_digits=5,
                                         decimal_places=2, min_value=1, max_value=10, initial=Decimal("1.00"))
    applications_open_at = forms.DateTimeField(label=_("Applications open"), widget=DateTimeInput())
    applications_close_at = forms.DateTimeField(label=_("Applications close"), widget=DateTimeInput())
    service_start = forms.DateField(label=_("Services from"), widget=DateInput(),
                                    help_text=_("The first day of a month, within the school year"))
    service_end = forms.DateField(label=_("Services until"), widget=DateInput(),
                                  help_text=_("The last day of a month, within the school year"))

    def __init__(self, *args, programme, **kwargs):
        """``programme``: the funding programme of the call; its norm categories are the rows of the form."""
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.categories = [(norm.key, category_label(norm.key, programme), norm.amount) for norm in programme.norms.all()]
        for key, label, amount in self.categories:
            self.fields[f"places_{key}"] = places_field(_("Places: %(level)s") % {"level": label})
            self.fields[f"norm_{key}"] = forms.DecimalField(
                label=_("Norm per period, KZT: %(level)s") % {"level": label}, max_digits=16, decimal_places=2,
                min_value=0, max_value=MAX_NORM, required=False, initial=amount or None,
            )
        if programme.instrument != InstrumentCode.SCHOOL_PER_CAPITA:
            del self.fields["sen_coefficient"]  # the coefficient is the state order's (pupils with SEN)
        self._style()

    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith(("places_", "norm_"))]

    def level_rows(self):
        return [(label, self[f"places_{key}"], self[f"norm_{key}"]) for key, label, _amount in self.categories]

    def clean(self):
        data = super().clean()
        titles = [name for name in ("title", "title_ru", "title_en") if (data.get(name) or "").strip()]
        if titles and len(titles) < 3:  # pages show the title in the reader's language: all three or none
            for name in {"title", "title_ru", "title_en"} - set(titles):
                self.add_error(name, _("Give the title in Kazakh, Russian and English, or leave all three empty."))
        for level, _label, _amount in self.categories:
            places, norm = data.get(f"places_{level}"), data.get(f"norm_{level}")
            if places and norm is None:
                self.add_error(f"norm_{level}", _("Enter the norm for the places ordered."))
        return data

    def to_input(self) -> OrderInput:
        data = self.cleaned_data
        levels = {
            level: LevelInput(places=data.get(f"places_{level}") or 0, monthly_norm=data.get(f"norm_{level}") or Decimal(0))
            for level, _label, _amount in self.categories if data.get(f"places_{level}")
        }
        return OrderInput(
            programme=self.programme,
            school_year=data["school_year"], programme_code=data["programme_code"].strip(), title=data["title"].strip(),
            title_ru=data["title_ru"].strip(), title_en=data["title_en"].strip(),
            budget=data["budget"], sen_coefficient=data.get("sen_coefficient") or Decimal("1.00"),
            applications_open_at=data["applications_open_at"], applications_close_at=data["applications_close_at"],
            service_start=data["service_start"], service_end=data["service_end"], levels=levels,
        )

    @classmethod
    def initial_for(cls, order) -> dict:
        initial = {name: getattr(order, name) for name in (
            "school_year", "programme_code", "title", "title_ru", "title_en", "budget", "sen_coefficient", "service_start", "service_end")}
        initial["applications_open_at"] = timezone.localtime(order.applications_open_at)
        initial["applications_close_at"] = timezone.localtime(order.applications_close_at)
        for row in order.levels.all():
            initial[f"places_{row.level}"] = row.places
            initial[f"norm_{row.level}"] = row.monthly_norm
        return initial


class PlacesForm(BootstrapMixin, forms.Form):
    """Places per level: what a school asks, or what the department approves."""

    note = None

    def __init__(self, *args, levels: list[tuple[str, str, int]], **kwargs):
        """``levels``: (level, label, most places allowed)."""
        super().__init__(*args, **kwargs)
        self.level_names = [level for level, _label, _most in levels]
        for level, label, most in levels:
            self.fields[f"places_{level}"] = places_field(label, max_value=most)
            self.fields[f"places_{level}"].help_text = _("at most %(most)s") % {"most": most}
        self._style()

    def places(self) -> dict[str, int]:
        return {level: self.cleaned_data.get(f"places_{level}") or 0 for level in self.level_names}


class ApproveForm(PlacesForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"] = forms.CharField(label=_("Note (optional)"), max_length=2000, required=False,
                                              widget=forms.Textarea(attrs={"rows": 2}))
        self._style()


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        self._style()


class SignForm(BootstrapMixin, forms.Form):
    document_sha256 = forms.RegexField(regex=r"^[0-9a-fA-F]{64}$", widget=forms.HiddenInput())
    confirm = forms.BooleanField(
        label=_("I have read the contract document shown above and sign it on behalf of my organisation."),
        required=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
