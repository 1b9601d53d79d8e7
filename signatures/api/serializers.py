from __future__ import annotations

import base64

from rest_framework import serializers

from signatures.models import Signature


class SigningPayloadSerializer(serializers.Serializer):
    """The exact bytes to sign (base64) and their SHA-256; good for one use until ``expires_at``."""

    payload = serializers.SerializerMethodField()
    sha256 = serializers.CharField()
    action = serializers.CharField()
    expires_at = serializers.DateTimeField()

    def get_payload(self, obj) -> str:
        return base64.b64encode(bytes(obj.payload)).decode("ascii")


class CmsSerializer(serializers.Serializer):
    """A CMS SignedData (DER, base64) with the payload attached."""

    cms = serializers.CharField(max_length=1_500_000, trim_whitespace=True)


class OptionalCmsField(serializers.CharField):
    """The ``cms`` field of a signed action's body: required in ``cms`` mode (the service says so)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 1_500_000)
        kwargs.setdefault("help_text", "Base64 DER CMS SignedData of the signing payload (SIGNATURE_MODE=cms).")
        super().__init__(**kwargs)


class SignedActionSerializer(serializers.Serializer):
    """The body of a signed action: its qualified signature in ``SIGNATURE_MODE=cms`` (empty in confirm mode)."""

    cms = OptionalCmsField()


class CertificateSerializer(serializers.Serializer):
    common_name = serializers.CharField()
    organisation = serializers.CharField()
    iin = serializers.CharField()
    bin = serializers.CharField()
    serial = serializers.CharField()
    subject = serializers.CharField()
    issuer = serializers.CharField()
    not_before = serializers.DateTimeField()
    not_after = serializers.DateTimeField()


class RefusalSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class InspectionSerializer(serializers.Serializer):
    """What the portal would answer to this signature now (nothing is stored)."""

    accepted = serializers.BooleanField()
    certificate = CertificateSerializer(allow_null=True)
    action = serializers.SerializerMethodField()
    object_reference = serializers.SerializerMethodField()
    refusal = serializers.SerializerMethodField()

    def get_action(self, obj) -> str | None:
        return (obj.payload or {}).get("action")

    def get_object_reference(self, obj) -> str | None:
        return (obj.payload or {}).get("object_reference")

    def get_refusal(self, obj) -> dict | None:
        if obj.refusal is None:
            return None
        return {"code": obj.refusal.code, "message": str(obj.refusal.message)}


class SignatureSerializer(serializers.ModelSerializer):
    object_type = serializers.SerializerMethodField()
    signer = serializers.CharField(source="signer.username")
    links = serializers.SerializerMethodField()

    class Meta:
        model = Signature
        fields = ["id", "object_type", "object_id", "object_reference", "action", "from_status", "to_status", "signer",
                  "signer_role", "school", "region", "signing_time", "verified_at", "revocation", "payload_sha256",
                  "cms_sha256", "cert_common_name", "cert_organisation", "cert_iin", "cert_bin", "cert_serial",
                  "cert_subject", "cert_issuer", "cert_not_before", "cert_not_after", "links"]

    def get_object_type(self, obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"

    def get_links(self, obj) -> dict:
        from django.urls import reverse

        return {name: reverse(f"signature-{name}", args=[obj.pk]) for name in ("cms", "payload", "bundle")}


class SignatureDetailSerializer(SignatureSerializer):
    class Meta(SignatureSerializer.Meta):
        fields = [*SignatureSerializer.Meta.fields, "report"]
