from rest_framework.routers import DefaultRouter

from contingent.api.views import ContingentImportViewSet, EnrolmentViewSet, NobdSnapshotViewSet, PupilViewSet

router = DefaultRouter()
router.register("enrolments", EnrolmentViewSet, basename="enrolment")
router.register("pupils", PupilViewSet, basename="pupil")
router.register("contingent-imports", ContingentImportViewSet, basename="contingent-import")
router.register("nobd-snapshots", NobdSnapshotViewSet, basename="nobd-snapshot")

urlpatterns = router.urls
