"""The portal's URLs plus the floor of ``bench_web``: a minimal DRF view answering a bare
``SELECT … LIMIT 50`` of a table's rows (no scoping, no filter, no serializer), through the same
middleware and authentication as every endpoint. Used only by the benchmark (``ROOT_URLCONF``)."""

from __future__ import annotations

from django.apps import apps
from django.http import Http404
from django.urls import path
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from eqazyna.urls import urlpatterns as portal_urls

FLOOR_TABLES = {
    "enrolments": "contingent.Enrolment", "acts": "acts.Act", "act-lines": "acts.ActLine", "findings": "checks.Finding",
    "payments": "payments.Payment", "audit-events": "core.AuditEvent", "risk-flags": "risk.RiskFlag",
}


class FloorView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, table: str):
        if table not in FLOOR_TABLES:
            raise Http404
        model = apps.get_model(FLOOR_TABLES[table])
        columns = [field.attname for field in model._meta.concrete_fields]
        return Response(list(model._base_manager.order_by("pk").values(*columns)[:50]))


class OpenFloorView(APIView):
    """The open data's floor: no authentication, a bare ``SELECT … LIMIT 50`` of the public contracts."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request):
        model = apps.get_model("opendata.PublicContract")
        columns = [field.attname for field in model._meta.concrete_fields]
        return Response(list(model._base_manager.order_by("pk").values(*columns)[:50]))


urlpatterns = [path("bench-floor/<str:table>/", FloorView.as_view()), path("bench-floor-open/", OpenFloorView.as_view()),
               *portal_urls]
