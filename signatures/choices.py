from django.db import models
from django.utils.translation import gettext_lazy as _


class SignatureMode(models.TextChoices):
    CONFIRM = "confirm", _("Confirmation by the signed-in user")
    CMS = "cms", _("Qualified electronic signature (CMS)")


class RevocationCheck(models.TextChoices):
    OCSP = "ocsp", _("OCSP, CRL as fallback")
    CRL = "crl", _("CRL")
    OFF = "off", _("Not checked")


class RevocationKind(models.TextChoices):
    OCSP = "ocsp", _("OCSP response")
    CRL = "crl", _("Certificate revocation list")


class SignatureEvent(models.TextChoices):
    """Audit event types of signatures (``AuditEvent.action``)."""

    ACCEPTED = "signature_accepted", _("Qualified signature accepted")
