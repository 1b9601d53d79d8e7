from rest_framework.routers import DefaultRouter

from oversight.api.views import (
    AuditEventViewSet,
    CaseAttachmentViewSet,
    CaseQuestionViewSet,
    MonitoringCaseViewSet,
    PublishedHeadViewSet,
)

router = DefaultRouter()
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("audit-heads", PublishedHeadViewSet, basename="audit-head")
router.register("monitoring-cases", MonitoringCaseViewSet, basename="monitoring-case")
router.register("case-questions", CaseQuestionViewSet, basename="case-question")
router.register("case-attachments", CaseAttachmentViewSet, basename="case-attachment")

urlpatterns = router.urls
