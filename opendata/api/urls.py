"""The open API under /api/open/v1/ (no authentication). Routes are plural kebab-case."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from opendata.api import views

app_name = "open-api"

router = SimpleRouter()
router.register("schools", views.SchoolViewSet, basename="school")
router.register("contingent", views.ContingentViewSet, basename="contingent-figure")
router.register("findings", views.FindingViewSet, basename="finding-figure")
router.register("orders", views.OrderViewSet, basename="order")
router.register("queue", views.QueueViewSet, basename="queue-entry")
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("monthly", views.MonthlyViewSet, basename="monthly-figure")
router.register("payments", views.PaymentViewSet, basename="payment")
router.register("procurement", views.ProcurementViewSet, basename="procurement-figure")
router.register("audit-heads", views.AuditHeadViewSet, basename="audit-head")

OPEN_SCHEMA = {
    "TITLE": "E-Qazyna open data API",
    "DESCRIPTION": (
        "Where the money of the state educational order goes: orders, the queue, contracts, money by month, "
        "payments, findings and contingent by school, region and country; equipment bought for schools by region; "
        "the audit chain head of each day; OCDS 1.1 releases and records. "
        "No authentication. Answers carry ETag and Last-Modified (send them back for 304) and Cache-Control; "
        "requests are rate limited per client address (429 with Retry-After). A query parameter an endpoint "
        "does not document is a 400 (unknown_parameter). Any aggregate over fewer than 5 pupils reads \"<5\", and a "
        "figure withheld so that such an aggregate cannot be worked out from the totals reads \"x\"; no answer "
        "carries an IIN, a pupil's name or a birth date."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/open/v1",
    "PREPROCESSING_HOOKS": ["opendata.api.schema.only_open_api"],
}

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("files/", views.FileListView.as_view(), name="files"),
    path("files/<str:name>", views.FileView.as_view(), name="file"),
    path("ocds/releases/", views.OcdsReleasePackageView.as_view(), name="ocds-releases"),
    path("ocds/releases/<int:pk>/", views.OcdsReleaseView.as_view(), name="ocds-release"),
    path("ocds/records/", views.OcdsRecordPackageView.as_view(), name="ocds-records"),
    path("schema/", SpectacularAPIView.as_view(custom_settings=OPEN_SCHEMA, authentication_classes=[],
                                               permission_classes=[]), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="open-api:schema", authentication_classes=[],
                                                 permission_classes=[]), name="docs"),
    *router.urls,
]
