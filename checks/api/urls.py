from django.urls import path
from rest_framework.routers import DefaultRouter

from checks.api.views import CheckRunViewSet, FindingViewSet
from checks.api.views_runs import CheckRunStartView

router = DefaultRouter()
router.register("findings", FindingViewSet, basename="finding")
router.register("check-runs", CheckRunViewSet, basename="check-run")

# The start action comes before the router's routes, so that "start" is never read as a run id.
urlpatterns = [
    path("check-runs/start/", CheckRunStartView.as_view(), name="check-run-start"),
    *router.urls,
]
