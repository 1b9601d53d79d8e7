from django.urls import path

from signatures import views

app_name = "signatures"

urlpatterns = [
    path("", views.signature_list, name="signature-list"),
    path("check/", views.signature_check, name="check"),
    path("identities/", views.identities, name="identities"),
    path("identities/users/<int:pk>/", views.identity_user, name="identity-user"),
    path("identities/departments/<str:code>/", views.identity_department, name="identity-department"),
]
