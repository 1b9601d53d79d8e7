from core.api.viewsets import ID_REGEX, ReadOnlyModelViewSet
from schools import selectors
from schools.api.serializers import (
    LicenceSerializer,
    RegisterLoadSerializer,
    SchoolChangeSerializer,
    SchoolSerializer,
    UnreliableSupplierSerializer,
)
from schools.filters import LicenceFilterSet, SchoolChangeFilterSet, SchoolFilterSet, UnreliableSupplierFilterSet


class SchoolViewSet(ReadOnlyModelViewSet):
    """Schools of the portal: a school sees itself, a department its region, operators and monitors all."""

    serializer_class = SchoolSerializer
    filterset_class = SchoolFilterSet
    ordering_fields = ["name_ru", "bin", "region", "updated_at"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.school_list(user=self.request.user).order_by("name_ru", "id")


class LicenceViewSet(ReadOnlyModelViewSet):
    """The licence register, scoped like schools (rows of BINs outside the portal: operators and monitors)."""

    serializer_class = LicenceSerializer
    filterset_class = LicenceFilterSet
    ordering_fields = ["bin", "issued_on", "updated_at"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.licence_list(user=self.request.user).order_by("bin", "issued_on", "id")


class UnreliableSupplierViewSet(ReadOnlyModelViewSet):
    """The register of unreliable suppliers: public information, every signed-in role sees all of it."""

    serializer_class = UnreliableSupplierSerializer
    filterset_class = UnreliableSupplierFilterSet
    ordering_fields = ["bin", "included_on", "excluded_on"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.unreliable_supplier_list(user=self.request.user).order_by("-included_on", "bin", "id")


class SchoolChangeViewSet(ReadOnlyModelViewSet):
    """History of schools' registry data, bank accounts, contacts and licences: who, when, old → new."""

    serializer_class = SchoolChangeSerializer
    filterset_class = SchoolChangeFilterSet
    ordering_fields = ["changed_at"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.school_change_list(user=self.request.user).order_by("-changed_at", "-id")


class RegisterLoadViewSet(ReadOnlyModelViewSet):
    """Loads of the registers (schools, licences, unreliable suppliers): source, checksum, counts."""

    serializer_class = RegisterLoadSerializer
    ordering_fields = ["loaded_at"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.register_load_list(user=self.request.user).order_by("-loaded_at", "-id")
