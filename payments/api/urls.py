from rest_framework.routers import DefaultRouter

from payments.api import views

router = DefaultRouter()
router.register("payments", views.PaymentViewSet, basename="payment")
router.register("payment-registries", views.PaymentRegistryViewSet, basename="payment-registry")
router.register("bank-confirmations", views.BankConfirmationViewSet, basename="bank-confirmation")
router.register("recoveries", views.RecoveryViewSet, basename="recovery")
router.register("final-reports", views.FinalReportViewSet, basename="final-report")

urlpatterns = router.urls
