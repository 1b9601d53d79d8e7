from __future__ import annotations

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from schools.models import Licence, RegisterLoad, School, SchoolChange, UnreliableSupplierEntry

# The checks (an app above this one, never imported here) record findings about a school; they are
# reached through the reverse relation ``findings`` and named by their stored values. An open error
# blocks payment. tests/schools/test_selectors.py binds these values to ``checks.choices``.
OPEN_ERROR = Q(findings__severity="error", findings__status="open")


def with_open_errors(queryset):
    """Annotate ``open_errors``: the school's open error findings (they block payment)."""
    if "open_errors" in queryset.query.annotations:
        return queryset
    errors = School.objects.filter(pk=OuterRef("pk")).annotate(n=Count("findings", filter=OPEN_ERROR)).values("n")
    return queryset.annotate(open_errors=Coalesce(Subquery(errors), 0))


def school_list(*, user, filters: dict | None = None):
    """Schools ``user`` may see, optionally filtered (see ``schools.filters``)."""
    queryset = with_open_errors(School.objects.visible_to(user).select_related("region"))
    if filters:
        from schools.filters import SchoolFilterSet

        queryset = SchoolFilterSet(filters, queryset=queryset).qs
    return queryset


AUTOCOMPLETE_SIZE = 20


def school_suggestions(*, user, text: str) -> list[School]:
    """At most ``AUTOCOMPLETE_SIZE`` schools ``user`` may see whose BIN starts with ``text`` or whose name
    (Kazakh or Russian) contains it, by name (the filters' autocomplete; a small table: no index needed)."""
    text = text.strip()[:100]
    if len(text) < 2:
        return []
    matches = Q(bin__startswith=text) | Q(name_kk__icontains=text) | Q(name_ru__icontains=text)
    return list(School.objects.visible_to(user).filter(matches).order_by("name_ru", "id")[:AUTOCOMPLETE_SIZE])


def school_get(*, user, pk) -> School:
    """One visible school, or ``School.DoesNotExist``."""
    return school_list(user=user).get(pk=pk)


def licence_list(*, user, filters: dict | None = None):
    queryset = Licence.objects.visible_to(user)
    if filters:
        from schools.filters import LicenceFilterSet

        queryset = LicenceFilterSet(filters, queryset=queryset).qs
    return queryset


def unreliable_supplier_list(*, user, filters: dict | None = None):
    queryset = UnreliableSupplierEntry.objects.visible_to(user)
    if filters:
        from schools.filters import UnreliableSupplierFilterSet

        queryset = UnreliableSupplierFilterSet(filters, queryset=queryset).qs
    return queryset


def school_change_list(*, user, filters: dict | None = None):
    queryset = SchoolChange.objects.visible_to(user).select_related("changed_by", "load")
    if filters:
        from schools.filters import SchoolChangeFilterSet

        queryset = SchoolChangeFilterSet(filters, queryset=queryset).qs
    return queryset


def register_load_list(*, user):
    return RegisterLoad.objects.visible_to(user).select_related("loaded_by")


def school_register_entries(*, user, school: School):
    """The school's entries of the register of unreliable suppliers, newest first."""
    return unreliable_supplier_list(user=user).filter(bin=school.bin).order_by("-included_on")


def school_licences(*, user, school: School):
    return licence_list(user=user).filter(bin=school.bin).order_by("-issued_on", "number")


def school_history(*, user, school: School):
    return school_change_list(user=user).filter(bin=school.bin)
