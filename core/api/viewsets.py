"""The bases of every API view: DRF's, with the query parameters checked (``core.api.params``).

Every view of ``/api/v1/`` derives from one of these (``tests/test_api_params.py`` checks it), so
that an unknown query parameter is refused everywhere by the same code.
"""

from __future__ import annotations

from rest_framework import generics, viewsets

from core.api.params import StrictQueryParamsMixin

ID_REGEX = "[0-9]{1,18}"  # a row id in the URL: digits within PostgreSQL's bigint


class GenericViewSet(StrictQueryParamsMixin, viewsets.GenericViewSet):
    pass


class ReadOnlyModelViewSet(StrictQueryParamsMixin, viewsets.ReadOnlyModelViewSet):
    pass


class GenericAPIView(StrictQueryParamsMixin, generics.GenericAPIView):
    pass


class RetrieveAPIView(StrictQueryParamsMixin, generics.RetrieveAPIView):
    pass


class ListAPIView(StrictQueryParamsMixin, generics.ListAPIView):
    pass


class PortalViewSet(GenericViewSet):
    """A viewset whose actions read their body through ``input`` (validated, or a 400)."""

    lookup_value_regex = ID_REGEX
    filterset_class = None
    ordering_fields: list[str] = []

    def input(self, serializer_class, **kwargs):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
