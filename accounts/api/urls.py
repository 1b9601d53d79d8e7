from django.urls import path

from accounts.api.views import LogoutView, MeView, TokenListView, TokenRevokeView, TokenView

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/tokens/", TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<str:token_key>/", TokenRevokeView.as_view(), name="api-token-revoke"),
    path("auth/logout/", LogoutView.as_view(), name="api-logout"),
]
