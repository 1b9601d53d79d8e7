"""Every app's API under /api/v1/. Routes are plural kebab-case."""

from django.urls import include, path

urlpatterns = [
    path("", include("core.api.urls")),
    path("", include("accounts.api.urls")),
    path("", include("schools.api.urls")),
    path("", include("programmes.api.urls")),
    path("", include("checks.api.urls")),
    path("", include("contingent.api.urls")),
    path("", include("signatures.api.urls")),
    path("", include("orders.api.urls")),
    path("", include("acts.api.urls")),
    path("", include("payments.api.urls")),
    path("", include("oversight.api.urls")),
    path("", include("procurement.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("risk.api.urls")),
]
