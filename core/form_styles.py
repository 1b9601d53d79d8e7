"""Bootstrap classes and accessible help-text links for plain Django form widgets."""

from __future__ import annotations

from django import forms


class BootstrapFormMixin:
    """Give every widget its Bootstrap class and point it at its help text (aria-describedby)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            elif isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
                css = "form-check-input"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{self.add_prefix(name)}_help"

    def full_clean(self):
        super().full_clean()
        for name in getattr(self, "errors", {}):
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self.fields[name].widget.attrs["class"] += " is-invalid"
