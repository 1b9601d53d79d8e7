from django.urls import path

from procurement import views

app_name = "procurement"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/import/", views.contract_import, name="contract_import"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/lines/new/", views.line_form, name="line_create"),
    path("contracts/<int:pk>/lines/<int:line_pk>/edit/", views.line_form, name="line_edit"),
    path("contracts/<int:pk>/lines/<int:line_pk>/remove/", views.line_remove, name="line_remove"),
    path("contracts/<int:pk>/deliveries/new/", views.delivery_create, name="delivery_create"),
    path("contracts/<int:pk>/<str:action>/", views.contract_transition, name="contract_transition"),
    path("lines/<int:line_pk>/penalty/", views.penalty_claim, name="penalty_claim"),
    path("deliveries/", views.delivery_list, name="delivery_list"),
    path("deliveries/<int:pk>/", views.delivery_detail, name="delivery_detail"),
    path("deliveries/<int:pk>/correct/", views.delivery_correct, name="delivery_correct"),
    path("deliveries/<int:pk>/act/", views.delivery_act, name="delivery_act"),
    path("units/<int:pk>/<str:action>/", views.unit_action, name="unit_action"),
    path("penalties/", views.penalty_list, name="penalty_list"),
    path("penalties/<int:pk>/<str:action>/", views.penalty_transition, name="penalty_transition"),
    path("warranty/", views.claim_list, name="claim_list"),
    path("warranty/new/", views.claim_create, name="claim_create"),
    path("warranty/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("warranty/<int:pk>/<str:action>/", views.claim_transition, name="claim_transition"),
    path("flags/", views.flag_list, name="flag_list"),
    path("flags/search/", views.flag_search, name="flag_search"),
    path("flags/<int:pk>/", views.flag_detail, name="flag_detail"),
]
