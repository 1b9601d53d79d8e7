from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.response import Response

from accounts.api.serializers import MeSerializer, TokenRequestSerializer, TokenSerializer
from core.api.serializers import ErrorSerializer
from core.api.viewsets import GenericAPIView, RetrieveAPIView


class MeView(RetrieveAPIView):
    """The signed-in user: role, region or school."""

    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user


class TokenView(GenericAPIView):
    """Exchange a username and password for an API token (send it as ``Authorization: Token …``)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    serializer_class = TokenRequestSerializer

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer, 400: ErrorSerializer, 401: ErrorSerializer})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("Wrong username or password."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
