"""Every app's API under /api/v1/. Routes are plural kebab-case."""

from django.urls import include, path

urlpatterns = [
    path("", include("core.api.urls")),
    path("", include("accounts.api.urls")),
]
