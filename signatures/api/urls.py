from rest_framework.routers import DefaultRouter

from signatures.api.views import SignatureViewSet

router = DefaultRouter()
router.register("signatures", SignatureViewSet, basename="signature")

urlpatterns = router.urls
