from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from notifications.models import Notification
from notifications.texts import notification_link, notification_text


class NotificationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    text = serializers.SerializerMethodField(help_text=_("the notification in words, in the request's language"))
    link = serializers.SerializerMethodField(help_text=_("the page it is about ('' when none)"))
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_display", "text", "link", "params", "created_at", "read_at", "unread"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_text(self, obj) -> str:
        return notification_text(obj)

    @extend_schema_field(serializers.CharField())
    def get_link(self, obj) -> str:
        return notification_link(obj)

    def get_unread(self, obj) -> bool:
        return obj.read_at is None


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False,
                                max_length=1000, help_text=_("the notifications to mark read; none given: all of them"))


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("how many notifications became read"))
    unread = serializers.IntegerField(help_text=_("how many are still unread"))


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text=_("how many of your notifications are unread"))
