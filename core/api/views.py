from core.api.serializers import RegionSerializer
from core.api.viewsets import ReadOnlyModelViewSet
from core.selectors import region_list


class RegionViewSet(ReadOnlyModelViewSet):
    """The regions of Kazakhstan (KATO). Public reference data."""

    serializer_class = RegionSerializer
    public = True
    pagination_class = None
    lookup_field = "code"
    lookup_value_regex = "[0-9]{2}"

    def get_queryset(self):
        return region_list()
