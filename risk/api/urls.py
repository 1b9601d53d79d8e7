from rest_framework.routers import DefaultRouter

from risk.api.views import RiskFlagViewSet, RiskRunViewSet, RiskScoreViewSet

router = DefaultRouter()
router.register("risk-flags", RiskFlagViewSet, basename="risk-flag")
router.register("risk-scores", RiskScoreViewSet, basename="risk-score")
router.register("risk-runs", RiskRunViewSet, basename="risk-run")

urlpatterns = router.urls
