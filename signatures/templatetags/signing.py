"""``{% signing_widget %}``: the NCALayer signing widget of a page (script: static/js/signing.js).

Phase-2 pages of signed actions use it as::

    {% load signing %}
    {% signing_widget payload_url=… submit_url=… form="#decision-form" success_url=… %}

A page of a signed action shows the widget in ``SIGNATURE_MODE=cms`` and its confirmation form otherwise::

    {% signing_cms_mode as cms_signing %}
    {% signing_payload_url "act" act.pk "submit" as payload_url %}   {# the API's basename, the object, the action #}

``payload_url`` answers the payload (``…/signing-payload/?action=…``); ``submit_url`` takes
``{"cms", …fields of form}``; without it the widget only shows the verdict (the signature check page).
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language

register = template.Library()


@register.inclusion_tag("signatures/_signing.html")
def signing_widget(payload_url: str, submit_url: str = "", form: str = "", success_url: str = "", label: str = ""):
    return {
        "payload_url": payload_url, "submit_url": submit_url, "form": form, "success_url": success_url, "label": label,
        "inspect_url": reverse("signature-inspect"), "ncalayer_url": settings.SIGNATURE_NCALAYER_URL,
        "locale": get_language() or "kk",
    }


@register.simple_tag
def signing_cms_mode() -> bool:
    """Whether signed actions take a qualified signature (``SIGNATURE_MODE=cms``) rather than a confirmation."""
    return settings.SIGNATURE_MODE == "cms"


@register.simple_tag
def signing_payload_url(basename: str, pk, action: str) -> str:
    """``/api/v1/<resource>/<pk>/signing-payload/?action=<action>`` of the API viewset registered as ``basename``."""
    return reverse(f"{basename}-signing-payload", args=[pk]) + "?" + urlencode({"action": action})
