from rest_framework.routers import DefaultRouter

from orders.api.views import ApplicationViewSet, ContractViewSet, QueueEntryViewSet, StateOrderViewSet

router = DefaultRouter()
router.register("state-orders", StateOrderViewSet, basename="state-order")
router.register("applications", ApplicationViewSet, basename="application")
router.register("contracts", ContractViewSet, basename="contract")
router.register("queue-entries", QueueEntryViewSet, basename="queue-entry")

urlpatterns = router.urls
