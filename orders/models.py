"""State orders, applications and contracts.

Places and per-capita norms are rows per level (``*Level`` tables) rather than columns, so
that other funding instruments (grants, scholarships, dormitory places) can reuse the rails
with their own norms.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.scoping import Allow, Scope, ScopedQuerySet
from orders.choices import ApplicationStatus, ContractParty, ContractStatus, OrderStatus
from orders.transitions import APPLICATION_TRANSITIONS, CONTRACT_TRANSITIONS, ORDER_TRANSITIONS
from programmes.defaults import default_programme_id
from programmes.labels import category_label

MONEY = {"max_digits": 16, "decimal_places": 2}


def _orders_for_school(user) -> Q:
    # A school sees the published and closed orders of its own region (never drafts).
    return Q(region_id=user.school.region_id) & ~Q(status=OrderStatus.DRAFT)


class StateOrder(models.Model):
    """A call for applications under a funding programme (for ``school_per_capita``: the state order)."""

    # An order made without naming a programme is a state order (school_per_capita), as before issue 10.
    programme = models.ForeignKey("programmes.Programme", verbose_name=_("programme"), on_delete=models.PROTECT,
                                  related_name="orders", default=default_programme_id)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="orders")
    school_year = models.PositiveSmallIntegerField(_("school year (first year)"), help_text=_("2025 means 2025–2026"))
    programme_code = models.CharField(_("budget programme code"), max_length=20)
    # The title in the three languages of the portal (``title`` is the Kazakh one); pages show ``localized_title``.
    title = models.CharField(_("title in Kazakh"), max_length=300, blank=True)
    title_ru = models.CharField(_("title in Russian"), max_length=300, blank=True, default="")
    title_en = models.CharField(_("title in English"), max_length=300, blank=True, default="")
    budget = models.DecimalField(_("money available"), validators=[MinValueValidator(0)], **MONEY)
    # Money promised by approvals (the would-be contract totals). Updated only under the order's
    # row lock; the CHECK constraint keeps it within the budget even if a bug forgot the lock.
    committed_amount = models.DecimalField(_("money committed"), default=0, **MONEY)
    sen_coefficient = models.DecimalField(
        _("coefficient for special educational needs"), max_digits=5, decimal_places=2, default=1,
        validators=[MinValueValidator(1)],
    )
    applications_open_at = models.DateTimeField(_("applications open"))
    applications_close_at = models.DateTimeField(_("applications close"))
    service_start = models.DateField(_("services from"))
    service_end = models.DateField(_("services until"))
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    TRANSITIONS = ORDER_TRANSITIONS

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", school=_orders_for_school, public=~Q(status=OrderStatus.DRAFT), actions={
        # the department of the region drafts, edits, publishes and closes its orders
        "add": Allow(Role.DEPARTMENT, creates=True),
        "change": Allow(Role.DEPARTMENT),
        "publish": Allow(Role.DEPARTMENT),
        "close": Allow(Role.DEPARTMENT),
    })

    class Meta:
        ordering = ["-school_year", "region_id", "-id"]
        verbose_name = _("state order")
        verbose_name_plural = _("state orders")
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="order_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(committed_amount__gte=0) & Q(committed_amount__lte=models.F("budget")),
                name="order_committed_within_budget",
            ),
            models.CheckConstraint(condition=Q(applications_close_at__gt=models.F("applications_open_at")), name="order_window_ordered"),
            models.CheckConstraint(condition=Q(service_end__gte=models.F("service_start")), name="order_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_code} {self.school_year}–{self.school_year + 1} ({self.region_id})"

    @property
    def school_year_label(self) -> str:
        return f"{self.school_year}–{self.school_year + 1}"

    @property
    def localized_title(self) -> str:
        """The title in the active language (the Kazakh one when that language's is not given)."""
        language = (get_language() or "kk")[:2]
        return {"ru": self.title_ru, "en": self.title_en}.get(language) or self.title

    @property
    def remaining_amount(self):
        return self.budget - self.committed_amount


class StateOrderLevel(models.Model):
    order = models.ForeignKey(StateOrder, on_delete=models.CASCADE, related_name="levels")
    # The programme's norm category (for school_per_capita: the level of education); ``level`` for compatibility.
    level = models.CharField(_("category"), max_length=20)
    places = models.PositiveIntegerField(_("places"))
    # The norm per period of the programme (a month, or a term): "monthly" for compatibility.
    monthly_norm = models.DecimalField(_("norm per period"), validators=[MinValueValidator(0)], **MONEY)
    # Places given by approvals so far; CHECK keeps it within ``places`` (see StateOrder.committed_amount).
    approved_places = models.PositiveIntegerField(_("places approved"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        region="order__region",
        school=lambda user: Q(order__region_id=user.school.region_id) & ~Q(order__status=OrderStatus.DRAFT),
        public=~Q(order__status=OrderStatus.DRAFT),
    )

    class Meta:
        ordering = ["order_id", "level"]
        verbose_name = _("order level")
        verbose_name_plural = _("order levels")
        constraints = [
            models.UniqueConstraint(fields=["order", "level"], name="order_level_unique"),
            models.CheckConstraint(condition=Q(monthly_norm__gte=0), name="order_level_norm_not_negative"),
            models.CheckConstraint(
                condition=Q(approved_places__lte=models.F("places")), name="order_level_approved_within_places",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level_label}: {self.places}"

    @property
    def level_label(self) -> str:
        return category_label(self.level, lambda: self.order.programme)

    @property
    def remaining_places(self) -> int:
        return self.places - self.approved_places


class Application(models.Model):
    order = models.ForeignKey(StateOrder, verbose_name=_("state order"), on_delete=models.PROTECT, related_name="applications")
    school = models.ForeignKey("schools.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(_("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED)
    # The queue position: submission time to the microsecond (PostgreSQL timestamptz precision).
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    TRANSITIONS = APPLICATION_TRANSITIONS

    objects = ScopedQuerySet.as_manager()
    # The queue is public: school names, places and status (no personal data on this model).
    scope = Scope(region="order__region", school="school", public=~Q(order__status=OrderStatus.DRAFT), actions={
        # a school applies and withdraws its own applications; the department of the order's region decides
        "submit": Allow(Role.SCHOOL, creates=True),
        "withdraw": Allow(Role.SCHOOL),
        "approve": Allow(Role.DEPARTMENT),
        "reject": Allow(Role.DEPARTMENT),
    })

    class Meta:
        ordering = ["order_id", "submitted_at", "id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "school"],
                condition=Q(status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED]),
                name="application_one_live_per_school_and_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} → {self.order_id} ({self.status})"


class ApplicationLevel(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="levels")
    # The programme's norm category (for school_per_capita: the level of education); ``level`` for compatibility.
    level = models.CharField(_("category"), max_length=20)
    requested_places = models.PositiveIntegerField(_("places requested"))
    approved_places = models.PositiveIntegerField(_("places approved"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="application__order__region", school="application__school",
                  public=~Q(application__order__status=OrderStatus.DRAFT))

    class Meta:
        ordering = ["application_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["application", "level"], name="application_level_unique"),
            models.CheckConstraint(
                condition=Q(approved_places__isnull=True) | Q(approved_places__lte=models.F("requested_places")),
                name="application_level_approved_within_requested",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level_label}: {self.requested_places}"

    @property
    def level_label(self) -> str:
        return category_label(self.level, lambda: self.application.order.programme)


class Contract(models.Model):
    number = models.CharField(_("number"), max_length=40, unique=True)
    order = models.ForeignKey(StateOrder, verbose_name=_("state order"), on_delete=models.PROTECT, related_name="contracts")
    school = models.ForeignKey("schools.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="contracts")
    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="contract",
    )
    status = models.CharField(_("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.DRAFT)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    # Whole calendar months of the period; total_amount = Σ places × monthly norm × months (orders.amounts).
    months = models.PositiveSmallIntegerField(_("months"))
    total_amount = models.DecimalField(_("total amount"), validators=[MinValueValidator(0)], **MONEY)
    status_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    TRANSITIONS = CONTRACT_TRANSITIONS

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="order__region", school="school", actions={
        # the school signs first, then the department of the order's region, which alone moves it further
        "sign_school": Allow(Role.SCHOOL),
        "sign_department": Allow(Role.DEPARTMENT),
        "suspend": Allow(Role.DEPARTMENT),
        "resume": Allow(Role.DEPARTMENT),
        "terminate": Allow(Role.DEPARTMENT),
        "close": Allow(Role.DEPARTMENT),
    })

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="contract_amount_not_negative"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="contract_period_ordered"),
            models.CheckConstraint(condition=Q(months__gte=1) & Q(months__lte=12), name="contract_months_in_a_year"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def periods(self) -> int:
        """How many periods of its programme the contract pays (months, or academic terms)."""
        from programmes.periods import periods_between

        return len(periods_between(self.order.programme, self.period_start, self.period_end))

    @property
    def document(self) -> ContractDocument | None:
        """The document the parties sign (the latest version; there is one today)."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("documents")
        if prefetched is not None:  # contract_list prefetches them: no query per contract
            return max(prefetched, key=lambda document: document.version, default=None)
        return self.documents.order_by("-version").first()


class ContractLevel(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="levels")
    # The programme's norm category (for school_per_capita: the level of education); ``level`` for compatibility.
    level = models.CharField(_("category"), max_length=20)
    places = models.PositiveIntegerField(_("places"))
    # The norm per period of the programme (a month, or a term): "monthly" for compatibility.
    monthly_norm = models.DecimalField(_("norm per period"), validators=[MinValueValidator(0)], **MONEY)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="contract__order__region", school="contract__school")

    class Meta:
        ordering = ["contract_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "level"], name="contract_level_unique"),
            models.CheckConstraint(condition=Q(monthly_norm__gte=0), name="contract_level_norm_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.level_label}: {self.places}"

    @property
    def level_label(self) -> str:
        return category_label(self.level, lambda: self.contract.order.programme)


class ContractDocument(models.Model):
    """The contract text exactly as the parties were shown it, kept byte for byte.

    Rendered once when the contract is made (orders/contract_document.html, Kazakh and
    Russian); signatures name its sha256. The database refuses to change or delete a row and
    checks that ``sha256`` is the hash of exactly ``content`` (migration 0003).
    """

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="documents")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    media_type = models.CharField(_("media type"), max_length=60, default="text/html; charset=utf-8")
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="contract__order__region", school="contract__school")

    class Meta:
        ordering = ["contract_id", "version"]
        verbose_name = _("contract document")
        verbose_name_plural = _("contract documents")
        constraints = [
            models.UniqueConstraint(fields=["contract", "version"], name="contract_document_version_unique"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="contract_document_sha256_hex"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} v{self.version} {self.sha256[:12]}"


class ContractSignature(models.Model):
    """A party's signature: the signer's authenticated confirmation of one exact document.

    For now the signer confirms, signed in, the document shown; the row records who, as
    which party, when, and the sha256 of the document's bytes. Append-only (migration 0003).
    """

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="signatures")
    document = models.ForeignKey(ContractDocument, verbose_name=_("document"), on_delete=models.PROTECT, related_name="signatures")
    party = models.CharField(_("party"), max_length=20, choices=ContractParty.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("signer's name"), max_length=300)
    signed_at = models.DateTimeField(_("signed at"))
    sha256 = models.CharField(_("SHA-256 of the signed document"), max_length=64)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="contract__order__region", school="contract__school")

    class Meta:
        ordering = ["contract_id", "signed_at", "id"]
        verbose_name = _("contract signature")
        verbose_name_plural = _("contract signatures")
        constraints = [
            models.UniqueConstraint(fields=["contract", "party"], name="contract_signature_one_per_party"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="contract_signature_sha256_hex"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.party} {self.sha256[:12]}"


class ContractCounter(models.Model):
    """The last contract sequence number used per region and school year (numbers like 71-2025-0001)."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    school_year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    scope_exempt = True  # internal bookkeeping, never shown

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "school_year"], name="contract_counter_unique")]

    def __str__(self) -> str:
        return f"{self.region_id}-{self.school_year}: {self.last_value}"
