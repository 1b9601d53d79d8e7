"""The school box of the filters: people type a school's name or BIN and pick it from what they may see."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class SchoolAutocomplete(forms.TextInput):
    """A text box with a ``<datalist>`` that HTMX fills, as the user types, with the schools the user may see
    (``schools:autocomplete``, scoped by ``School.objects.visible_to``); a school picked puts its BIN in the
    box, which every school filter reads. The box still takes a part of a name, a BIN or an id typed by hand.

    ``url_name`` names the view that answers the options: another list of names (the audit trail's people)
    subclasses this box with its own."""

    url_name = "schools:autocomplete"

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        attrs.pop("maxlength", None)  # a part of a name is typed here; the field checks the value sent
        options = f"{attrs.get('id') or f'id_{name}'}-options"
        attrs.update({
            "list": options, "autocomplete": "off",
            "hx-get": f"{reverse(self.url_name)}?{urlencode({'field': name})}",
            "hx-trigger": "input changed delay:250ms", "hx-target": f"#{options}", "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
        })
        box = super().render(name, value, attrs, renderer)
        return mark_safe(box + format_html('<datalist id="{}" data-testid="{}-options"></datalist>', options, name))
