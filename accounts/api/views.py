from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import APIException, AuthenticationFailed, NotFound
from rest_framework.response import Response

from accounts.api.serializers import ApiTokenSerializer, MeSerializer, TokenRequestSerializer, TokenSerializer
from accounts.models import ApiToken
from accounts.services import api_token_issue, api_token_revoke, api_tokens_of
from core.api.serializers import ErrorSerializer
from core.api.viewsets import GenericAPIView, ListAPIView, RetrieveAPIView


class LockedOut(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"


def locked_out() -> LockedOut:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    error = LockedOut(_("Too many failed sign-ins with this username from this address; try again in %(minutes)s minutes.")
                      % {"minutes": minutes})
    error.wait = int(settings.AXES_COOLOFF_TIME.total_seconds())
    return error


class MeView(RetrieveAPIView):
    """The signed-in user: role, region or school."""

    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user


class TokenView(GenericAPIView):
    """Exchange a username and password for a new API token (send it as ``Authorization: Token …``).

    Each call gives a new token (one per sign-in or device), valid until ``expiry``; list yours at
    ``auth/tokens/`` and revoke any of them. After too many failures with one username from one
    address, that pair is locked out for a while (429).
    """

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    serializer_class = TokenRequestSerializer

    @extend_schema(request=TokenRequestSerializer,
                   responses={200: TokenSerializer, 400: ErrorSerializer, 401: ErrorSerializer, 429: ErrorSerializer})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if getattr(request, "axes_locked_out", False):
            raise locked_out()
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("Wrong username or password."))
        token, secret = api_token_issue(user=user, request=request, label=serializer.validated_data.get("device", ""))
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        return Response({"token": secret, "token_key": token.token_key, "expiry": token.expiry})


class TokenListView(ListAPIView):
    """Your API tokens that have not expired, newest first (any role; a token is its owner's business)."""

    serializer_class = ApiTokenSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = []
    pagination_class = None

    def get_queryset(self):
        return api_tokens_of(user=self.request.user)


class TokenRevokeView(GenericAPIView):
    """Revoke one of your API tokens; it stops working at once."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ApiTokenSerializer

    @extend_schema(request=None, responses={204: None, 401: ErrorSerializer, 404: ErrorSerializer})
    def delete(self, request, token_key: str):
        if not api_token_revoke(user=request.user, token_key=token_key, actor=request.user):
            raise NotFound(_("You have no token %(key)s.") % {"key": token_key})
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(GenericAPIView):
    """Sign out of the API: the token of this request is revoked."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ApiTokenSerializer

    @extend_schema(request=None, responses={204: None, 401: ErrorSerializer})
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            api_token_revoke(user=request.user, token_key=request.auth.token_key, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
