"""The open API under /api/open/v1/: no authentication, cacheable, rate limited per client address.

Every answer is read from the public tables of the latest publication (``opendata.selectors``), so
it changes only when a publication does: its ETag and Last-Modified are the publication's, a client
that sends them back gets 304, and shared caches may keep an answer for ``OPEN_DATA_MAX_AGE``.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from core.api.params import StrictQueryParamsMixin
from core.api.serializers import ErrorSerializer
from core.api.viewsets import ID_REGEX
from core.parsing import parse_date
from opendata import filters, selectors
from opendata.api import serializers as s
from opendata.files import TABLE_NAMES, directory_of
from opendata.models import PublicSchool
from opendata.ocds.releases import package_metadata, record_of, releases_by_ocid

BIN_REGEX = "[0-9]{12}"


class OpenDataThrottle(SimpleRateThrottle):
    """Requests per client address (REMOTE_ADDR, or as ``NUM_PROXIES`` trusted proxies report it)."""

    scope = "open_data"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class OpenPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000




def _answer_key(request, publication) -> str:
    """What an answer depends on: the publication, the database, the URL, its scheme and host, the language and the
    format."""
    parts = [connection.settings_dict["NAME"], str(publication.pk), publication.finished_at.isoformat(),
             request.scheme, request.get_host(), get_language() or "", getattr(request, "accepted_media_type", "") or "",
             request.get_full_path()]
    return "open-api:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


class OpenAPIMixin(StrictQueryParamsMixin):
    """No authentication, anyone may read; rate limited; ETag/Last-Modified of the publication; CORS open.

    Like every view of the portal's API, an open endpoint refuses a query parameter it does not know (400,
    ``unknown_parameter``, ``core.api.params``): a misspelt filter must not answer a question nobody asked.

    An answer changes only with the publication: once rendered, it is kept in the shared cache under
    ``_answer_key`` and served from there, after the rate limit and the parameters are checked, until the next
    publication. Its ETag is the same key: a client that sends it back gets 304.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataThrottle]
    answer_key: str | None = None
    answer_cached = False
    publication = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # the rate limit, the content negotiation, the parameters
        if request.method != "GET":
            return
        self.publication = selectors.latest_publication()
        if self.publication is None:
            return
        self.answer_key = _answer_key(request, self.publication)
        cached = cache.get(self.answer_key)
        if cached is not None:
            content, content_type = cached
            answer = HttpResponse(content, content_type=content_type)
            self.answer_cached = True
            self.get = lambda *args, **kwargs: answer  # the handler dispatch calls next

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        publication = self.publication if request.method == "GET" else selectors.latest_publication()
        if publication is not None:
            key = self.answer_key or _answer_key(request, publication)
            if isinstance(response, Response) and request.method == "GET" and not self.answer_cached:
                response.render()
                # As long as shared caches may keep it: the key holds the publication, so a new one is never served an
                # old answer; the short life bounds the memory that answers to free-text filters (q, contract…) take.
                cache.set(key, (response.content, response["Content-Type"]), settings.OPEN_DATA_MAX_AGE)
            etag = f'"{publication.pk}-{key.rpartition(":")[2][:16]}"'
            last_modified = int(publication.finished_at.timestamp())  # HTTP dates have whole seconds
            response["ETag"] = etag
            response["Last-Modified"] = http_date(last_modified)
            not_modified = get_conditional_response(request._request, etag=etag, last_modified=last_modified,
                                                    response=response)
            if not_modified is not response:
                not_modified["Access-Control-Allow-Origin"] = "*"
                response = not_modified
        patch_cache_control(response, public=True, max_age=settings.OPEN_DATA_MAX_AGE)
        patch_vary_headers(response, ["Accept", "Accept-Language"])
        return response


class OpenViewSet(OpenAPIMixin, viewsets.ReadOnlyModelViewSet):
    pagination_class = OpenPagination
    ordering_fields: list = []


@extend_schema_view(
    list=extend_schema(summary="Schools of the portal (search by name or BIN with q)",
                       parameters=[OpenApiParameter("q", str, description="part of the name, or the BIN (or its start)")]),
    retrieve=extend_schema(summary="A school: licences, contingent by level, open findings by code",
                           responses={200: s.SchoolDetailSerializer, 404: ErrorSerializer}),
)
class SchoolViewSet(OpenViewSet):
    filterset_class = filters.SchoolFilterSet
    lookup_field = "bin"
    lookup_value_regex = BIN_REGEX

    def get_queryset(self):
        return selectors.school_list(query=self.request.query_params.get("q", "")[:100])

    def get_serializer_class(self):
        return s.SchoolDetailSerializer if self.action == "retrieve" else s.SchoolSerializer

    def get_object(self):
        try:
            school = selectors.school_get(bin=self.kwargs["bin"])
        except PublicSchool.DoesNotExist:
            raise Http404 from None
        return school


@extend_schema_view(list=extend_schema(summary="Pupils active on the publication's day: by school and level, school, region, country"))
class ContingentViewSet(OpenViewSet):
    serializer_class = s.ContingentSerializer
    filterset_class = filters.ContingentFilterSet
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return selectors.contingent_figures()


@extend_schema_view(list=extend_schema(summary="Open findings by code: by school, region, country"))
class FindingViewSet(OpenViewSet):
    serializer_class = s.FindingSerializer
    filterset_class = filters.FindingFilterSet

    def get_queryset(self):
        return selectors.finding_figures()


@extend_schema_view(list=extend_schema(summary="State orders: budget, places and norms by level"),
                    retrieve=extend_schema(summary="A state order", responses={200: s.OrderSerializer, 404: ErrorSerializer}))
class OrderViewSet(OpenViewSet):
    serializer_class = s.OrderSerializer
    filterset_class = filters.OrderFilterSet
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.orders()


@extend_schema_view(list=extend_schema(summary="The application queue of every order, in order of submission"))
class QueueViewSet(OpenViewSet):
    serializer_class = s.QueueEntrySerializer
    filterset_class = filters.QueueFilterSet
    ordering_fields = ["position", "submitted_at", "status"]  # the answer's cache key and ETag hold the whole URL
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.queue()


@extend_schema_view(list=extend_schema(summary="Contracts: number, school, places, amount, period, status"),
                    retrieve=extend_schema(summary="A contract", responses={200: s.ContractSerializer, 404: ErrorSerializer}))
class ContractViewSet(OpenViewSet):
    serializer_class = s.ContractSerializer
    filterset_class = filters.ContractFilterSet
    lookup_field = "number"
    lookup_value_regex = "[0-9A-Za-z-]{1,40}"

    def get_queryset(self):
        return selectors.contracts()


@extend_schema_view(list=extend_schema(summary="Money by month: accepted, paid, recovered — by contract, region, country"))
class MonthlyViewSet(OpenViewSet):
    serializer_class = s.MonthlySerializer
    filterset_class = filters.MonthlyFilterSet

    def get_queryset(self):
        return selectors.monthly_figures()


@extend_schema_view(list=extend_schema(summary="Payments made: contract, month paid for, day, amount transferred"))
class PaymentViewSet(OpenViewSet):
    serializer_class = s.PaymentSerializer
    filterset_class = filters.PaymentFilterSet
    lookup_field = "reference"
    lookup_value_regex = "EQP[0-9]{9}"

    def get_queryset(self):
        return selectors.payments()


@extend_schema_view(list=extend_schema(
    summary="Equipment bought for schools, by region and country: contracted, accepted on time and late, late units, "
            "penalties"))
class ProcurementViewSet(OpenViewSet):
    serializer_class = s.ProcurementFigureSerializer
    filterset_class = filters.ProcurementFilterSet
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return selectors.procurement_figures()


@extend_schema_view(list=extend_schema(
    summary="The audit chain head of each day: events and head hash, with the RFC 3161 timestamp when sealed"))
class AuditHeadViewSet(OpenViewSet):
    serializer_class = s.AuditHeadSerializer
    filterset_class = filters.AuditHeadFilterSet
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return selectors.audit_heads()


class PublicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    as_of = serializers.DateField()
    finished_at = serializers.DateTimeField()
    counts = serializers.DictField(child=serializers.IntegerField())


class IndexSerializer(serializers.Serializer):
    publication = PublicationSerializer(allow_null=True)
    links = serializers.DictField(child=serializers.CharField())


class IndexView(OpenAPIMixin, APIView):
    @extend_schema(summary="What is published, as of when, and where", responses={200: IndexSerializer})
    def get(self, request):
        publication = selectors.latest_publication()
        names = ["school", "contingent-figure", "finding-figure", "order", "queue-entry", "contract", "monthly-figure",
                 "payment", "procurement-figure", "audit-head"]
        links = {name: request.build_absolute_uri(reverse(f"open-api:{name}-list")) for name in names}
        links |= {name: request.build_absolute_uri(reverse(f"open-api:{name}"))
                  for name in ("files", "ocds-releases", "ocds-records", "schema", "docs")}
        return Response({
            "publication": None if publication is None else {
                "id": publication.pk, "as_of": publication.as_of, "finished_at": publication.finished_at,
                "counts": publication.counts},
            "links": links,
        })


class FileListView(OpenAPIMixin, APIView):
    @extend_schema(summary="Bulk downloads of every public table (CSV, XLSX, JSON) of the latest publication",
                   responses={200: s.BulkFileSerializer(many=True)})
    def get(self, request):
        files = selectors.bulk_files(selectors.latest_publication())
        return Response(s.BulkFileSerializer(files, many=True, context={"request": request}).data)


class FileView(OpenAPIMixin, APIView):
    CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json",
                     "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

    @extend_schema(summary="One bulk file", responses={(200, "application/octet-stream"): OpenApiTypes.BINARY,
                                                       404: ErrorSerializer})
    def get(self, request, name: str):
        table, _dot, fmt = name.rpartition(".")
        publication = selectors.latest_publication()
        if publication is None or table not in TABLE_NAMES or fmt not in self.CONTENT_TYPES:
            raise Http404
        path = directory_of(publication.pk) / name
        if not path.is_file():
            raise Http404
        response = FileResponse(path.open("rb"), content_type=self.CONTENT_TYPES[fmt], as_attachment=True,
                                filename=f"eqazyna-{publication.as_of:%Y-%m-%d}-{name}")
        return response


# --- OCDS ------------------------------------------------------------------------------------

class OcdsPackageSerializer(serializers.Serializer):
    uri = serializers.URLField()
    version = serializers.CharField()
    publishedDate = serializers.DateTimeField()  # noqa: N815 - the OCDS field name
    publisher = serializers.DictField()
    releases = serializers.ListField(child=serializers.DictField(), required=False)
    records = serializers.ListField(child=serializers.DictField(), required=False)
    links = serializers.DictField(required=False)


def _page(request, queryset, page_size: int = 100):
    paginator = OpenPagination()
    paginator.page_size = page_size
    items = paginator.paginate_queryset(queryset, request)
    links = {}
    if paginator.get_next_link():
        links["next"] = paginator.get_next_link()
    if paginator.get_previous_link():
        links["prev"] = paginator.get_previous_link()
    return items, links


def _ocds_filters(request, queryset):
    params = request.query_params
    errors = {}
    for name, lookup in (("since", "date__date__gte"), ("until", "date__date__lte")):
        if params.get(name):
            try:
                queryset = queryset.filter(**{lookup: parse_date(params[name])})
            except ValueError as error:
                errors[name] = [str(error)]
    region = params.get("region")
    if region:
        if not (len(region) == 2 and region.isdigit()):
            errors["region"] = [_("A region is its two-digit KATO code.")]
        queryset = queryset.filter(region_id=region)
    if params.get("ocid"):
        queryset = queryset.filter(ocid=params["ocid"][:100])
    if errors:
        raise ValidationError(errors)
    return queryset


OCDS_PARAMETERS = [
    OpenApiParameter("since", OpenApiTypes.DATE, description="releases dated on or after this day"),
    OpenApiParameter("until", OpenApiTypes.DATE, description="releases dated on or before this day"),
    OpenApiParameter("region", str, description="two-digit KATO code of the region"),
    OpenApiParameter("ocid", str, description="one contracting process"),
    OpenApiParameter("page", int), OpenApiParameter("page_size", int),
]


def _release_url(request):
    def url(pk: int, release_id: str) -> str:
        return request.build_absolute_uri(reverse("open-api:ocds-release", kwargs={"pk": pk})) + f"#{release_id}"

    return url


def _published():
    """The package's publishedDate: when the latest publication finished (now, before any)."""
    publication = selectors.latest_publication()
    return publication.finished_at if publication else timezone.now()


class OcdsReleasePackageView(OpenAPIMixin, APIView):
    @extend_schema(summary="OCDS 1.1 release package: every release, oldest first (paginated; links.next)",
                   parameters=OCDS_PARAMETERS, responses={200: OcdsPackageSerializer, 400: ErrorSerializer})
    def get(self, request):
        queryset = _ocds_filters(request, selectors.ocds_releases()).order_by("date", "id")
        items, links = _page(request, queryset.values_list("data", flat=True))
        package = package_metadata(uri=request.build_absolute_uri(), published=_published())
        package["releases"] = list(items)
        if links:
            package["links"] = links
        return Response(package)


class OcdsReleaseView(OpenAPIMixin, APIView):
    @extend_schema(summary="One OCDS release, in a release package", responses={200: OcdsPackageSerializer, 404: ErrorSerializer})
    def get(self, request, pk: int):
        release = selectors.ocds_releases().filter(pk=pk).first()
        if release is None:
            raise Http404
        package = package_metadata(uri=request.build_absolute_uri(), published=release.date)
        package["releases"] = [release.data]
        return Response(package)


class OcdsRecordPackageView(OpenAPIMixin, APIView):
    @extend_schema(summary="OCDS 1.1 record package: one record per contracting process (paginated; links.next)",
                   parameters=OCDS_PARAMETERS, responses={200: OcdsPackageSerializer, 400: ErrorSerializer})
    def get(self, request):
        queryset = _ocds_filters(request, selectors.ocds_records()).order_by("ocid")
        items, links = _page(request, queryset, page_size=20)
        package = package_metadata(uri=request.build_absolute_uri(), published=_published())
        releases = releases_by_ocid([record.ocid for record in items])
        package["records"] = [record_of(record, _release_url(request), releases[record.ocid]) for record in items]
        if links:
            package["links"] = links
        return Response(package)

