from rest_framework.routers import DefaultRouter

from checks.api.views import CheckRunViewSet, FindingViewSet

router = DefaultRouter()
router.register("findings", FindingViewSet, basename="finding")
router.register("check-runs", CheckRunViewSet, basename="check-run")

urlpatterns = router.urls
