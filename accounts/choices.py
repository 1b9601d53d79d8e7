"""Audit event types of users and departments (``AuditEvent.action``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UserEvent(models.TextChoices):
    CREATED = "user_created", _("User created")
    UPDATED = "user_updated", _("User updated")
    IIN_SET = "user_iin_set", _("User's IIN for signing recorded")


class DepartmentEvent(models.TextChoices):
    BIN_SET = "department_bin_set", _("Department's BIN for signing recorded")


class SignInEvent(models.TextChoices):
    SIGNED_IN = "signed_in", _("Signed in")
    SIGNED_OUT = "signed_out", _("Signed out")
    FAILED = "sign_in_failed", _("Sign-in failed")


class ApiTokenEvent(models.TextChoices):
    ISSUED = "api_token_issued", _("API token issued")
    REVOKED = "api_token_revoked", _("API token revoked")
