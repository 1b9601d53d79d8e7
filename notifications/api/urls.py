from rest_framework.routers import DefaultRouter

from notifications.api import views

router = DefaultRouter()
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = router.urls
