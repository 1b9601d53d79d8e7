"""Signature rows for the printable PDFs of signed documents (``core.pdf.Signatures``).

Phase 2: the contract and act PDFs call ``signature_rows(obj)`` for the ``Signatures`` block, so that
each signer, the certificate serial and the time appear on paper.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from signatures.models import Signature


def signature_rows(obj, *, with_action: bool = False) -> list[tuple[str, str]]:
    """(role, "owner · IIN · BIN · certificate serial · signing time · payload SHA-256") per kept signature, oldest first.

    ``with_action``: (the signed action, text) instead, for the caller to label the step in its words.
    """
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    rows = []
    for signature in Signature.objects.filter(content_type=content_type, object_id=str(obj.pk)).order_by("signing_time", "id"):
        when = timezone.localtime(signature.signing_time).strftime("%d.%m.%Y %H:%M:%S")
        text = _("%(owner)s · IIN %(iin)s · BIN %(bin)s · certificate %(serial)s · signed %(when)s · payload SHA-256 %(sha256)s") % {
            "owner": signature.cert_common_name, "iin": signature.cert_iin or "—", "bin": signature.cert_bin or "—",
            "serial": signature.cert_serial, "when": when, "sha256": signature.payload_sha256,
        }
        if with_action:
            rows.append((signature.action, text))
        else:
            rows.append((f"{signature.get_signer_role_display()} ({signature.action})", text))
    return rows
