"""Filters of the inbox, shared by the API and the page."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from acts.filters import YesNoWidget
from notifications.choices import NotificationKind
from notifications.models import Notification


class NotificationFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(label=_("kind"), choices=NotificationKind.choices)
    unread = django_filters.BooleanFilter(label=_("unread"), field_name="read_at", lookup_expr="isnull", widget=YesNoWidget)

    class Meta:
        model = Notification
        fields = ["kind", "unread"]
