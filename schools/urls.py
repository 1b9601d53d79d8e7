from django.urls import path

from schools import views

app_name = "schools"

urlpatterns = [
    path("", views.school_list, name="list"),
    path("autocomplete/", views.school_autocomplete, name="autocomplete"),
    path("mine/profile/", views.school_profile, name="profile"),
    path("unreliable-suppliers/", views.unreliable_supplier_list, name="unreliable-suppliers"),
    path("registers/", views.registers, name="registers"),
    path("registers/uploads/<str:token>/", views.upload_preview, name="upload-preview"),
    path("registers/uploads/<str:token>/confirm/", views.upload_confirm, name="upload-confirm"),
]
