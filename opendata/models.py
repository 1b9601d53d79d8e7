"""The public side: aggregate tables refreshed from the portal's data, and nothing else.

Every page, API answer, bulk file and OCDS release of the open data is read from these tables,
never from the portal's own tables. They are rebuilt, all together, by one refresh
(``opendata.services.publication_refresh``: after the nightly job, after changes, on demand) and
hold no IIN, no pupil's name and no birth date — there is no column for them.

A figure over pupils (``pupils``, ``count`` of a pupil finding, money over act lines) is stored
with its mark (``opendata.choices.Mark``): shown, or ``<5`` (fewer than 5 pupils). A withheld value
is never stored: the column is NULL, and a CHECK constraint per pair keeps it so
(``opendata.privacy`` decides the marks).

Rows of the public tables keep the portal's ids (``id`` = the school's, order's, contract's …):
public URLs and API answers stay stable from one refresh to the next.

"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import localized
from core.scoping import Allow, ScopedQuerySet
from core.scoping import Scope as Visibility
from core.workflow import Transition
from opendata.choices import FileFormat, Grain, Mark, OpenDataEvent, PublicationStatus, PublicationTrigger

MONEY = {"max_digits": 18, "decimal_places": 2}


def _everything(user) -> Q:
    return Q()


# Open data is public: everyone sees every row, signed in or not.
PUBLIC = Visibility(region=_everything, school=_everything, public=Q())


def withheld_constraint(model_name: str, value_field: str) -> models.CheckConstraint:
    """The CHECK that a withheld figure stores no value: a value without a mark, or NULL with one."""
    mark = f"{value_field}_mark"
    return models.CheckConstraint(
        condition=(Q(**{mark: Mark.SHOWN}) & Q(**{f"{value_field}__isnull": False}))
        | (Q(**{f"{mark}__in": [Mark.SMALL, Mark.WITHHELD]}) & Q(**{f"{value_field}__isnull": True})),
        name=f"opendata_{model_name}_{value_field}_withheld_not_stored",
    )


def mark_field():
    return models.CharField(_("mark"), max_length=2, choices=Mark.choices, blank=True, default=Mark.SHOWN)


class Publication(models.Model):
    """One refresh of the open data: when, as of which day, what it counted, and its bulk files."""

    as_of = models.DateField(_("as of"))
    trigger = models.CharField(_("trigger"), max_length=20, choices=PublicationTrigger.choices)
    status = models.CharField(_("status"), max_length=20, choices=PublicationStatus.choices, default=PublicationStatus.RUNNING)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    files_at = models.DateTimeField(_("files written at"), null=True, blank=True)
    counts = models.JSONField(_("rows per table"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    # A publication is created running and ends by itself (``opendata.services``). A failed one rolls
    # back with its work and is then recorded as a new row, created failed: no transition moves it.
    TRANSITIONS = {
        "publish": Transition(sources=(PublicationStatus.RUNNING,), target=PublicationStatus.SUCCEEDED,
                              event=OpenDataEvent.PUBLISHED),
    }

    objects = ScopedQuerySet.as_manager()
    # Public like every open-data table; only the system publishes (the command, the tasks).
    scope = Visibility(region=_everything, school=_everything, public=Q(), actions={"publish": Allow()})

    class Meta:
        ordering = ["-id"]
        verbose_name = _("open data publication")
        verbose_name_plural = _("open data publications")

    def __str__(self) -> str:
        return f"#{self.pk} {self.as_of} ({self.status})"


class PublicSchool(models.Model):
    """A school of the portal as the public sees it (organisation data only)."""

    id = models.BigIntegerField(primary_key=True)  # the portal school's id
    bin = models.CharField(_("BIN"), max_length=12, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    kato = models.CharField(_("KATO code"), max_length=9, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    oked = models.CharField(_("activity code (OKED)"), max_length=10, blank=True)
    capacity = models.PositiveIntegerField(_("licensed capacity (pupils)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20)

    objects = ScopedQuerySet.as_manager()
    scope = PUBLIC

    class Meta:
        ordering = ["name_ru", "id"]
        verbose_name = _("school (open data)")
        verbose_name_plural = _("schools (open data)")
        indexes = [models.Index(fields=["region", "name_ru"], name="opendata_school_region_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.bin})"

    @property
    def name(self) -> str:
        return localized(self, "name")


class PublicLicence(models.Model):
    """An education licence of a school of the portal (from the licence register)."""

    school = models.ForeignKey(PublicSchool, verbose_name=_("school"), on_delete=models.CASCADE, related_name="licences")
    bin = models.CharField(_("BIN"), max_length=12)
    number = models.CharField(_("licence number"), max_length=50)
    issued_on = models.DateField(_("issued on"))
    levels = ArrayField(models.CharField(max_length=10), verbose_name=_("levels"))
    status = models.CharField(_("status"), max_length=20)

    objects = ScopedQuerySet.as_manager()
    scope = PUBLIC

    class Meta:
        ordering = ["bin", "issued_on", "number"]
        verbose_name = _("licence (open data)")
        verbose_name_plural = _("licences (open data)")

    def __str__(self) -> str:
        return f"{self.number} ({self.bin})"


class ContingentFigure(models.Model):
    """Pupils active on the publication's day: a school's count by level and in all, a region's and the country's total.

    ``level`` is empty for "all levels". The published totals form one tree (school by level → school
    → region → country), so that ``opendata.privacy`` can prove no withheld cell is worked out from them.
    """

    grain = models.CharField(_("level of aggregation"), max_length=10, choices=Grain.choices)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    school = models.ForeignKey(PublicSchool, verbose_name=_("school"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="contingent")
    level = models.CharField(_("level"), max_length=10, blank=True)
    pupils = models.PositiveIntegerField(_("pupils"), null=True, blank=True)
    pupils_mark = mark_field()

    objects = ScopedQuerySet.as_manager()
    scope = PUBLIC

    class Meta:
        ordering = ["grain", "region_id", "school_id", "level"]
        verbose_name = _("contingent figure")
        verbose_name_plural = _("contingent figures")
        constraints = [
            withheld_constraint("contingent", "pupils"),
            models.UniqueConstraint(fields=["grain", "region", "school", "level"], nulls_distinct=False,
                                    name="opendata_contingent_one_per_cell"),
        ]
        indexes = [models.Index(fields=["school", "level"], name="opendata_contingent_school_idx"),
                   models.Index(fields=["grain", "region"], name="opendata_contingent_region_idx")]

    def __str__(self) -> str:
        return f"{self.grain} {self.region_id or ''} {self.school_id or ''} {self.level}: {self.pupils_mark or self.pupils}"


class FindingFigure(models.Model):
    """Open findings of the latest checks by code: per school, per region, for the country.

    Pupil codes (P01–P07) count pupils and follow the <5 rule; school codes (S01–S05) count schools
    (or school levels) and are shown as they are.
    """

    grain = models.CharField(_("level of aggregation"), max_length=10, choices=Grain.choices)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    school = models.ForeignKey(PublicSchool, verbose_name=_("school"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="findings")
    code = models.CharField(_("code"), max_length=3)
    count = models.PositiveIntegerField(_("findings"), null=True, blank=True)
    count_mark = mark_field()

    objects = ScopedQuerySet.as_manager()
    scope = PUBLIC

    class Meta:
        ordering = ["grain", "region_id", "school_id", "code"]
        verbose_name = _("findings figure")
        verbose_name_plural = _("findings figures")
        constraints = [
            withheld_constraint("finding", "count"),
            models.UniqueConstraint(fields=["grain", "region", "school", "code"], nulls_distinct=False,
                                    name="opendata_finding_one_per_cell"),
        ]
        indexes = [models.Index(fields=["school", "code"], name="opendata_finding_school_idx"),
                   models.Index(fields=["grain", "region"], name="opendata_finding_region_idx")]

    def __str__(self) -> str:
        return f"{self.grain} {self.region_id or ''} {self.school_id or ''} {self.code}: {self.count_mark or self.count}"


class PublicOrder(models.Model):
    """A published (or closed) state order: budget, window, service period. Places and norms: ``PublicOrderLevel``."""

    id = models.BigIntegerField(primary_key=True)  # the state order's id
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    school_year = models.PositiveSmallIntegerField(_("school year (first year)"))
    programme_code = models.CharField(_("budget programme code"), max_length=20)
    title = models.CharField(_("title in Kazakh"), max_length=300, blank=True)
    title_ru = models.CharField(_("title in Russian"), max_length=300, blank=True, default="")
    title_en = models.CharField(_("title in English"), max_length=300, blank=True, default="")
    status = models.CharField(_("status"), max_length=20)
    budget = models.DecimalField(_("money available"), **MONEY)
    committed_amount = models.DecimalField(_("money committed"), **MONEY)
    sen_coefficient = models.DecimalField(_("coefficient for special educational needs"), max_digits=5, decimal_places=2)
    applications_open_at = models.DateTimeField(_("applications open"))
    applications_close_at = models.DateTimeField(_("applications close"))
    service_start = models.DateField(_("services from"))
    service_end = models.DateField(_("services until"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    places = models.PositiveIntegerField(_("places"))
    approved_places = models.PositiveIntegerField(_("places approved"))

    objects = ScopedQuerySet.as_manager()
    scope = PUBLIC

    class Meta:
        ordering = ["-school_year", "region_id", "id"]
        verbose_name = _("state order (open data)")
        verbose_name_plural = _("state orders (open data)")
        indexes = [models.Index(fields=["school_year", "region"], name="opendata_order_year_idx")]

    def __str__(self) -> str:
        return f"{self.programme_code} {self.school_year} ({self.region_id})"

    @property
    def school_year_label(self) -> str:
        return f"{self.school_year}–{self.school_year + 1}"

    @property
    def localized_title(self) -> str:
        """The title in the active language, the Kazakh one when that language's is not given: the orders' own
        rule (``orders.models.StateOrder.localized_title``), over the same three fields."""
        from orders.models import StateOrder

        return StateOrder.localized_title.fget(self)


class PublicOrderLevel(models.Model):
    order = models.ForeignKey(PublicOrder, verbose_name=_("state order"), on_delete=models.CASCADE, related_name="levels")
    level = models.CharField(_("level"), max_length=10)
    places = models.PositiveIntegerField(_("places"))
    approved_places = models.PositiveIntegerField(_("places approved"))
    monthly_norm = models.DecimalField(_("monthly per-capita norm"), **MONEY)

    objects = ScopedQuerySet.as_manager()
    scope = PUBLIC

    class Meta:
        ordering = ["order_id", "id"]
        verbose_name = _("order level (open data)")
        verbose_name_plural = _("order levels (open data)")

    def __str__(self) -> str:
        return f"{self.order_id} {self.level}: {self.places}"


class PublicApplication(models.Model):
    """An application in the public queue of an order: position, school, status, times."""

    id = models.BigIntegerField(primary_key=True)  # the application's id
    order = models.ForeignKey(PublicOrder, verbose_name=_("state order"), on_delete=models.CASCADE, related_name="applications")
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(PublicSchool, verbose_name=_("school"), on_delete=models.CASCADE, related_name="applications")
    position = models.PositiveIntegerField(_("place in the queue"))
    status = models.CharField(_("status"), max_length=20)
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = PUBLIC

    class Meta:
        ordering = ["order_id", "position"]
        verbose_name = _("application (open data)")
        verbose_name_plural = _("applications (open data)")

    def __str__(self) -> str:
        return f"{self.order_id} #{self.position} {self.school_id} ({self.status})"


class PublicApplicationLevel(models.Model):
    application = models.ForeignKey(PublicApplication, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="levels")
    level = models.CharField(_("level"), max_length=10)
    requested_places = models.PositiveIntegerField(_("places requested"))
    approved_places = models.PositiveIntegerField(_("places approved"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = PUBLIC

    class Meta:
        ordering = ["application_id", "id"]
        verbose_name = _("application level (open data)")
        verbose_name_plural = _("application levels (open data)")

    def __str__(self) -> str:
        return f"{self.application_id} {self.level}: {self.requested_places}"


class PublicContract(models.Model):
    """A contract: number, school, places, amount, period, status."""

    id = models.BigIntegerField(primary_key=True)  # the contract's id
    number = models.CharField(_("number"), max_length=40, unique=True)
    order = models.ForeignKey(PublicOrder, verbose_name=_("state order"), on_delete=models.CASCADE, related_name="contracts")
    application = models.ForeignKey(PublicApplication, verbose_name=_("application"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(PublicSchool, verbose_name=_("school"), on_delete=models.CASCADE, related_name="contracts")
    school_year = models.PositiveSmallIntegerField(_("school year (first year)"))
    status = models.CharField(_("status"), max_length=20)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    months = models.PositiveSmallIntegerField(_("months"))
    places = models.PositiveIntegerField(_("places"))
    total_amount = models.DecimalField(_("total amount"), **MONEY)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = PUBLIC

    class Meta:
        ordering = ["number"]
        verbose_name = _("contract (open data)")
        verbose_name_plural = _("contracts (open data)")
        indexes = [models.Index(fields=["region", "school_year"], name="opendata_contract_region_idx"),
                   models.Index(fields=["school"], name="opendata_contract_school_idx")]

    def __str__(self) -> str:
        return self.number


class PublicContractLevel(models.Model):
    contract = models.ForeignKey(PublicContract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="levels")
    level = models.CharField(_("level"), max_length=10)
    places = models.PositiveIntegerField(_("places"))
    monthly_norm = models.DecimalField(_("monthly per-capita norm"), **MONEY)

    objects = ScopedQuerySet.as_manager()
    scope = PUBLIC

    class Meta:
        ordering = ["contract_id", "id"]
        verbose_name = _("contract level (open data)")
        verbose_name_plural = _("contract levels (open data)")

    def __str__(self) -> str:
        return f"{self.contract_id} {self.level}: {self.places}"


class MonthlyFigure(models.Model):
    """Money of one month: accepted, paid and recovered — per contract, per region, for the country.

    Definitions are those of the final report (``payments.reports``): *accepted* — the accepted lines of
    acts accepted, partly accepted or paid; *paid* — the accepted lines of paid acts; *recovered* —
    recoveries (not cancelled) of lines of that month. Each is money over pupils (act lines) and follows
    the <5 rule, counted in distinct enrolments. The published totals form one tree per month
    (contract → region → country).
    """

    grain = models.CharField(_("level of aggregation"), max_length=10, choices=Grain.choices)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    school = models.ForeignKey(PublicSchool, verbose_name=_("school"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    contract = models.ForeignKey(PublicContract, verbose_name=_("contract"), null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="monthly_figures")
    month = models.DateField(_("month"))
    school_year = models.PositiveSmallIntegerField(_("school year (first year)"))
    accepted = models.DecimalField(_("accepted"), null=True, blank=True, **MONEY)
    accepted_mark = mark_field()
    paid = models.DecimalField(_("paid"), null=True, blank=True, **MONEY)
    paid_mark = mark_field()
    recovered = models.DecimalField(_("recovered"), null=True, blank=True, **MONEY)
    recovered_mark = mark_field()

    objects = ScopedQuerySet.as_manager()
    scope = PUBLIC

    class Meta:
        ordering = ["grain", "region_id", "contract_id", "month"]
        verbose_name = _("monthly figure")
        verbose_name_plural = _("monthly figures")
        constraints = [
            withheld_constraint("monthly", "accepted"),
            withheld_constraint("monthly", "paid"),
            withheld_constraint("monthly", "recovered"),
            models.UniqueConstraint(fields=["grain", "region", "contract", "month"], nulls_distinct=False,
                                    name="opendata_monthly_one_per_cell"),
        ]
        indexes = [models.Index(fields=["grain", "school_year", "region"], name="opendata_monthly_year_idx"),
                   models.Index(fields=["contract", "month"], name="opendata_monthly_contract_idx"),
                   models.Index(fields=["school", "month"], name="opendata_monthly_school_idx")]

    def __str__(self) -> str:
        return f"{self.grain} {self.region_id or ''} {self.contract_id or ''} {self.month:%Y-%m}"


class PublicPayment(models.Model):
    """A payment the bank confirmed: reference, contract, month paid for, day, amount transferred."""

    id = models.BigIntegerField(primary_key=True)  # the payment's id
    reference = models.CharField(_("payment reference"), max_length=20)
    contract = models.ForeignKey(PublicContract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="payments")
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(PublicSchool, verbose_name=_("school"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month paid for"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    amount = models.DecimalField(_("amount transferred"), null=True, blank=True, **MONEY)
    amount_mark = mark_field()

    objects = ScopedQuerySet.as_manager()
    scope = PUBLIC

    class Meta:
        ordering = ["contract_id", "month", "id"]
        verbose_name = _("payment (open data)")
        verbose_name_plural = _("payments (open data)")
        constraints = [withheld_constraint("payment", "amount")]

    def __str__(self) -> str:
        return self.reference


class ProcurementFigure(models.Model):
    """Equipment bought for schools (procurement oversight), by region and for the country, as of the publication's day.

    ``contracts`` procurement contracts (every status); ``units`` and ``amount`` contracted; units accepted by their
    line's deadline (``units_on_time``) and after it (``units_accepted_late``); ``units_late`` — units not accepted
    by their deadline (the penalty rule's late units, ``procurement.penalties``: accepted late or still outstanding);
    ``penalty_due`` — the penalty the rule gives as of the day; ``penalties_claimed`` and ``penalties_paid`` — the
    claims the departments made (not cancelled) and those the suppliers paid. These are figures about contracts and
    units of equipment, never about people: the small-numbers rule (pupils) does not apply.
    """

    grain = models.CharField(_("level of aggregation"), max_length=10, choices=Grain.choices)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    contracts = models.PositiveIntegerField(_("procurement contracts"))
    units = models.PositiveIntegerField(_("units contracted"))
    amount = models.DecimalField(_("amount contracted"), **MONEY)
    units_on_time = models.PositiveIntegerField(_("units accepted on time"))
    units_accepted_late = models.PositiveIntegerField(_("units accepted late"))
    units_late = models.PositiveIntegerField(_("units not accepted by their deadline"))
    penalty_due = models.DecimalField(_("penalty by the rule"), **MONEY)
    penalties_claimed = models.DecimalField(_("penalties claimed"), **MONEY)
    penalties_paid = models.DecimalField(_("penalties paid"), **MONEY)

    objects = ScopedQuerySet.as_manager()
    scope = PUBLIC

    class Meta:
        ordering = ["grain", "region_id"]
        verbose_name = _("procurement figure")
        verbose_name_plural = _("procurement figures")
        constraints = [
            models.UniqueConstraint(fields=["grain", "region"], nulls_distinct=False, name="opendata_procurement_one_per_cell"),
            models.CheckConstraint(condition=Q(grain=Grain.COUNTRY, region__isnull=True) | Q(grain=Grain.REGION, region__isnull=False),
                                   name="opendata_procurement_grain_region"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.region_id or ''}: {self.contracts}"


class PublicAuditHead(models.Model):
    """A published head of the audit chain (``core.PublishedHead``): the number of events and the hash of the last one
    as they stood at the end of ``day``, with its RFC 3161 timestamp when sealed. Anyone can keep these and later
    compare them with what the portal publishes, or have the timestamp checked against ``statement``: a chain rebuilt,
    shortened or edited after a head was published no longer matches it."""

    id = models.BigIntegerField(primary_key=True)  # the published head's id
    day = models.DateField(_("day"))
    seq = models.BigIntegerField(_("events"), unique=True)
    hash = models.CharField(_("head hash"), max_length=64)
    published_at = models.DateTimeField(_("published at"))
    statement = models.TextField(_("the text the timestamp seals"))
    tsa_url = models.CharField(_("timestamp authority"), max_length=500, blank=True)
    tsa_time = models.DateTimeField(_("timestamp time"), null=True, blank=True)
    tsa_serial = models.CharField(_("timestamp serial number"), max_length=100, blank=True)
    tsa_token = models.TextField(_("RFC 3161 timestamp token (DER, base64)"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = PUBLIC

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit chain head (open data)")
        verbose_name_plural = _("audit chain heads (open data)")
        indexes = [models.Index(fields=["day"], name="opendata_audit_head_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} #{self.seq} {self.hash}"

    @property
    def sealed(self) -> bool:
        return bool(self.tsa_token)


class OcdsRelease(models.Model):
    """One OCDS 1.1 release, built from the public tables (``opendata.ocds``). Releases are kept.

    A release is immutable: the refresh adds a new release (a new ``release_id``) when what it says
    of a tender, an award, a contract or its payments changed, and keeps the earlier ones, so that the
    history of a contracting process stays readable.
    """

    ocid = models.CharField(max_length=100)
    release_id = models.CharField(max_length=200)
    subject = models.CharField(_("concerns"), max_length=100)  # "tender", "award-12", "contract-7", "implementation-7"
    date = models.DateTimeField(_("date"))
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    data = models.JSONField()

    objects = ScopedQuerySet.as_manager()
    scope = PUBLIC

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("OCDS release")
        verbose_name_plural = _("OCDS releases")
        constraints = [models.UniqueConstraint(fields=["ocid", "release_id"], name="opendata_ocds_release_unique")]
        indexes = [models.Index(fields=["date", "id"], name="opendata_ocds_date_idx"),
                   models.Index(fields=["region", "date", "id"], name="opendata_ocds_region_idx"),
                   models.Index(fields=["ocid", "subject"], name="opendata_ocds_subject_idx")]

    def __str__(self) -> str:
        return self.release_id


class OcdsRecord(models.Model):
    """The OCDS record of one contracting process (a state order): its releases and the compiled release."""

    ocid = models.CharField(max_length=100, unique=True)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    date = models.DateTimeField(_("date"))
    data = models.JSONField()

    objects = ScopedQuerySet.as_manager()
    scope = PUBLIC

    class Meta:
        ordering = ["ocid"]
        verbose_name = _("OCDS record")
        verbose_name_plural = _("OCDS records")

    def __str__(self) -> str:
        return self.ocid


class BulkFile(models.Model):
    """A bulk download of one public table in one format, written by a publication."""

    publication = models.ForeignKey(Publication, verbose_name=_("publication"), on_delete=models.CASCADE,
                                    related_name="files")
    table = models.CharField(_("table"), max_length=40)
    fmt = models.CharField(_("format"), max_length=5, choices=FileFormat.choices)
    name = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("bytes"))
    rows = models.PositiveIntegerField(_("rows"))
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = PUBLIC

    class Meta:
        ordering = ["table", "fmt"]
        verbose_name = _("bulk file")
        verbose_name_plural = _("bulk files")
        constraints = [models.UniqueConstraint(fields=["publication", "table", "fmt"], name="opendata_bulk_file_unique")]


    def __str__(self) -> str:
        return self.name
