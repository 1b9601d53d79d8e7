from rest_framework.routers import DefaultRouter

from schools.api.views import (
    LicenceViewSet,
    RegisterLoadViewSet,
    SchoolChangeViewSet,
    SchoolViewSet,
    UnreliableSupplierViewSet,
)

router = DefaultRouter()
router.register("schools", SchoolViewSet, basename="school")
router.register("licences", LicenceViewSet, basename="licence")
router.register("unreliable-suppliers", UnreliableSupplierViewSet, basename="unreliable-supplier")
router.register("school-changes", SchoolChangeViewSet, basename="school-change")
router.register("register-loads", RegisterLoadViewSet, basename="register-load")

urlpatterns = router.urls
