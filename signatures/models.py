from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.scoping import Allow, Scope, ScopedQuerySet
from signatures.choices import RevocationCheck, RevocationKind

SHA256_HEX = r"^[0-9a-f]{64}$"


class SigningPayload(models.Model):
    """Bytes the portal issued to one user to sign one action on one object: good for one use, until it expires.

    The signed CMS must hold exactly these bytes; the nonce inside them ties the signature to
    this row, and a stored :class:`Signature` to its nonce (unique), so a payload serves once.
    """

    nonce = models.CharField(_("nonce"), max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued to"), on_delete=models.CASCADE,
                             related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=40)
    payload = models.BinaryField(_("payload"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("signing payload")
        verbose_name_plural = _("signing payloads")
        constraints = [models.CheckConstraint(condition=Q(sha256__regex=SHA256_HEX), name="signing_payload_sha256_hex")]

    def __str__(self) -> str:
        return f"{self.action} {self.content_type_id}#{self.object_id} {self.nonce[:8]}"


class Signature(models.Model):
    """A verified qualified electronic signature, kept forever with what it signed.

    The CMS is stored byte for byte as posted, beside the payload it holds, the signer's certificate
    and the verification report (chain, revocation answers). The database refuses UPDATE and DELETE
    (migration 0002); ``verify_signatures`` re-verifies every row offline.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    object_reference = models.CharField(_("document"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=32, blank=True)
    to_status = models.CharField(_("to"), max_length=32, blank=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signer"), on_delete=models.PROTECT,
                               related_name="signatures")
    signer_role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # Scoping: the school and region of the signed object.
    school = models.ForeignKey("schools.School", verbose_name=_("school"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("core.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    nonce = models.CharField(_("nonce"), max_length=64, unique=True)
    payload = models.BinaryField(_("payload"))
    payload_sha256 = models.CharField(_("SHA-256 of the payload"), max_length=64)
    cms = models.BinaryField(_("CMS signature"))
    cms_sha256 = models.CharField(_("SHA-256 of the CMS"), max_length=64)
    certificate = models.BinaryField(_("signer's certificate (DER)"))
    certificate_sha256 = models.CharField(_("SHA-256 of the certificate"), max_length=64)
    cert_subject = models.TextField(_("certificate subject"))
    cert_issuer = models.TextField(_("certificate issuer"))
    cert_serial = models.CharField(_("certificate serial"), max_length=80)
    cert_common_name = models.CharField(_("certificate owner"), max_length=300, blank=True)
    cert_organisation = models.CharField(_("organisation"), max_length=500, blank=True)
    cert_iin = models.CharField(_("IIN in the certificate"), max_length=12, blank=True)
    cert_bin = models.CharField(_("BIN in the certificate"), max_length=12, blank=True)
    cert_not_before = models.DateTimeField(_("certificate valid from"))
    cert_not_after = models.DateTimeField(_("certificate valid until"))
    signing_time = models.DateTimeField(_("signing time"))
    verified_at = models.DateTimeField(_("verified at"))
    revocation = models.CharField(_("revocation check"), max_length=8, choices=RevocationCheck.choices)
    report = models.JSONField(_("verification report"), default=dict)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    # Kept signatures are never written through a page or the API; a signer may have the portal inspect one
    # (a dry run: nothing is stored). The roles are the signers' (``signatures.identity.SIGNER_ROLES``).
    scope = Scope(region="region", school="school", actions={
        "inspect": Allow(Role.SCHOOL, Role.DEPARTMENT, Role.OPERATOR, creates=True),
    })
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"]),
                   # the list's ordering by signing time, both ways (``signatures.views.SIGNATURE_SORTING``): every
                   # signed step of every act, payment and contract adds a row, so the list is a big one
                   models.Index(fields=["signing_time", "id"], name="signature_list_order")]
        constraints = [
            models.CheckConstraint(condition=Q(payload_sha256__regex=SHA256_HEX), name="signature_payload_sha256_hex"),
            models.CheckConstraint(condition=Q(cms_sha256__regex=SHA256_HEX), name="signature_cms_sha256_hex"),
            models.CheckConstraint(condition=Q(certificate_sha256__regex=SHA256_HEX), name="signature_certificate_sha256_hex"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_reference or self.object_id} {self.cert_common_name}"


class RevocationData(models.Model):
    """An OCSP response or a CRL used to verify signatures, kept once by its SHA-256 (append-only).

    A signature's report names the ones its verification used, so that ``verify_signatures``
    re-checks revocation offline as it stood when the signature was accepted.
    """

    sha256 = models.CharField(_("SHA-256"), max_length=64, primary_key=True)
    kind = models.CharField(_("kind"), max_length=8, choices=RevocationKind.choices)
    content = models.BinaryField(_("content (DER)"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("revocation information")
        verbose_name_plural = _("revocation information")
        constraints = [models.CheckConstraint(condition=Q(sha256__regex=SHA256_HEX), name="revocation_data_sha256_hex")]

    def __str__(self) -> str:
        return f"{self.kind} {self.sha256[:12]}"
