from rest_framework.routers import DefaultRouter

from procurement.api import views

router = DefaultRouter()
router.register("procurement-contracts", views.ProcurementContractViewSet, basename="procurement-contract")
router.register("procurement-contract-lines", views.ContractLineViewSet, basename="procurement-contract-line")
router.register("procurement-deliveries", views.DeliveryViewSet, basename="procurement-delivery")
router.register("procurement-units", views.DeliveryUnitViewSet, basename="procurement-unit")
router.register("procurement-penalties", views.PenaltyClaimViewSet, basename="procurement-penalty")
router.register("procurement-warranty-claims", views.WarrantyClaimViewSet, basename="procurement-warranty-claim")
router.register("procurement-flags", views.ProcurementFlagViewSet, basename="procurement-flag")

urlpatterns = router.urls
