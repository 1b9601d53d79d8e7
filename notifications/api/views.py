"""The inbox through the API: list (``?unread=true``, ``?kind=``), one notification, mark read.

An inbox is personal: every user, a monitor included, reads and marks only their own
notifications (marking read changes no data of the portal, so ``MayUseOwnInbox`` lets a
read-only role do it, unlike ``PortalPermission``).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from acts.api.views import with_errors
from core.api.viewsets import PortalViewSet
from notifications import selectors, services
from notifications.api import serializers as s
from notifications.filters import NotificationFilterSet
from notifications.models import Notification


class MayUseOwnInbox(BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)


@extend_schema_view(list=extend_schema(summary="Your notifications, newest first"),
                    retrieve=extend_schema(summary="One of your notifications", responses=with_errors({200: s.NotificationSerializer})))
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PortalViewSet):
    serializer_class = s.NotificationSerializer
    filterset_class = NotificationFilterSet
    permission_classes = [MayUseOwnInbox]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no signed-in user
            return Notification.objects.none()
        return selectors.inbox(user=self.request.user)

    @extend_schema(summary="Mark your notifications read (the ids given, or all)", request=s.MarkReadSerializer,
                   responses=with_errors({200: s.MarkedSerializer}))
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        data = self.input(s.MarkReadSerializer)
        marked = services.notifications_mark_read(actor=request.user, ids=data.get("ids"))
        return Response({"marked": marked, "unread": selectors.unread_count(user=request.user)})

    @extend_schema(summary="Mark one of your notifications read", request=None, responses=with_errors({200: s.MarkedSerializer}))
    @action(detail=True, methods=["post"], url_path="read")
    def read(self, request, pk=None):
        notification = self.get_object()
        marked = services.notifications_mark_read(actor=request.user, ids=[notification.pk])
        return Response({"marked": marked, "unread": selectors.unread_count(user=request.user)})

    @extend_schema(summary="How many of your notifications are unread", responses={200: s.UnreadCountSerializer})
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": selectors.unread_count(user=request.user)})
