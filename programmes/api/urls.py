from rest_framework.routers import DefaultRouter

from programmes.api.views import ProgrammeViewSet

router = DefaultRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")

urlpatterns = router.urls
