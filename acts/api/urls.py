from rest_framework.routers import DefaultRouter

from acts.api import views

router = DefaultRouter()
router.register("acts", views.ActViewSet, basename="act")
router.register("act-lines", views.ActLineViewSet, basename="act-line")

urlpatterns = router.urls
