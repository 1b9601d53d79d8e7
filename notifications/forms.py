from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.choices import EmailMode


class PreferencesForm(forms.Form):
    """One row per kind: in the inbox (yes/no) and how it is e-mailed."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for kind, label, in_inbox, email in rows:
            self.fields[f"{kind}__inbox"] = forms.BooleanField(label=_("%(kind)s: in the inbox") % {"kind": label},
                                                               required=False, initial=in_inbox)
            self.fields[f"{kind}__email"] = forms.ChoiceField(label=_("%(kind)s: e-mail") % {"kind": label},
                                                              choices=EmailMode.choices, initial=email)

    def table(self):
        return [(kind, label, self[f"{kind}__inbox"], self[f"{kind}__email"]) for kind, label, _inbox, _email in self.rows]

    def choices(self) -> dict[str, tuple[bool, str]]:
        return {kind: (self.cleaned_data[f"{kind}__inbox"], self.cleaned_data[f"{kind}__email"])
                for kind, _label, _inbox, _email in self.rows}
