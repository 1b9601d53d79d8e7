from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path, reverse
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.views import health


def favicon(request):
    """Browsers ask for /favicon.ico: the portal's SVG icon (the static URL is resolved per request, after collectstatic)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def acts_moved(request, rest=""):
    """Acts had their pages under /<lang>/payments/ until they became their own app: old links still work."""
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(reverse("acts:list") + rest + (f"?{query}" if query else ""))


# An exception no view handled: a database outage is a 503 with Retry-After, anything else the 500 page.
handler500 = "core.web.server_error"

urlpatterns = [
    path("health/", health, name="health"),
    path("favicon.ico", favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("eqazyna.api_urls")),
    path("api/open/v1/", include("opendata.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns += i18n_patterns(
    path("", include("portal.urls")),
    path("accounts/", include("accounts.urls")),
    path("schools/", include("schools.urls")),
    path("checks/", include("checks.urls")),
    path("contingent/", include("contingent.urls")),
    path("programmes/", include("programmes.urls")),
    path("orders/", include("orders.urls")),
    path("acts/", include("acts.urls")),
    path("payments/", acts_moved),
    re_path(r"^payments/acts/(?P<rest>.*)$", acts_moved),
    path("payments/overdue/", acts_moved, {"rest": "overdue/"}),
    path("payments/", include("payments.urls")),
    path("oversight/", include("oversight.urls")),
    path("signatures/", include("signatures.urls")),
    path("procurement/", include("procurement.urls")),
    path("notifications/", include("notifications.urls")),
    path("risk/", include("risk.urls")),
    path("open/", include("opendata.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

# MEDIA_ROOT holds uploads waiting for confirmation (registers, contingents, bank files): private,
# never served by URL, in development or production.
