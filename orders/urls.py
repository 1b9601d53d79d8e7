from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("new/", views.order_create, name="order_create"),
    path("<int:pk>/", views.order_detail, name="order_detail"),
    path("<int:pk>/edit/", views.order_edit, name="order_edit"),
    path("<int:pk>/apply/", views.application_create, name="application_create"),
    path("<int:pk>/<str:action>/", views.order_transition, name="order_transition"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/<str:action>/", views.application_transition, name="application_transition"),
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/document/", views.contract_document, name="contract_document"),
    path("contracts/<int:pk>/pdf/<str:lang>/", views.contract_pdf_view, name="contract_pdf"),
    path("contracts/<int:pk>/<str:action>/", views.contract_transition, name="contract_transition"),
    path("queue/", views.queue_index, name="queue"),
    path("queue/<int:pk>/", views.queue_detail, name="queue_detail"),
]
