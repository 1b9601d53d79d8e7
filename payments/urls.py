from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("payments/", views.payment_list, name="payments"),
    path("payments/prepare/<int:act_pk>/", views.payment_prepare, name="payment_prepare"),
    path("payments/of-act/<int:act_pk>/", views.act_payments, name="act_payments"),
    path("payments/<int:pk>/", views.payment_detail, name="payment_detail"),
    path("payments/<int:pk>/<slug:action>/", views.payment_transition, name="payment_transition"),
    path("bank/", views.bank, name="bank"),
    path("registries/create/", views.registry_create, name="registry_create"),
    path("registries/<int:pk>/export/<str:fmt>/", views.registry_export, name="registry_export"),
    path("bank/confirmations/upload/", views.confirmation_upload, name="confirmation_upload"),
    path("bank/confirmations/<int:pk>/", views.confirmation_detail, name="confirmation_detail"),
    path("bank/confirmations/<int:pk>/apply/", views.confirmation_apply, name="confirmation_apply"),
    path("recoveries/", views.recovery_list, name="recoveries"),
    path("recoveries/<int:pk>/cancel/", views.recovery_cancel, name="recovery_cancel"),
    path("reports/", views.report_list, name="reports"),
    path("reports/prepare/", views.report_prepare, name="report_prepare"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("reports/<int:pk>/download/<str:fmt>/", views.report_download, name="report_download"),
]
