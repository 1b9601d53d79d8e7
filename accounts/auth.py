"""How the API authenticates a token (django-rest-knox's ``TokenAuthentication``, one change).

knox, on every request, reads *every* token of the user to delete the expired ones
(``TokenAuthentication._cleanup_token``): a user signed in from many devices or clients paid a query and a
model instance per token on every call — with 50 clients signed in as one user, more than half of a
20-row list's time (issue 18's load test). Here only the token presented is checked: expired, it is deleted and
refused, as knox does. The user's other expired tokens are never accepted (each is checked when presented),
never listed (``accounts.services.api_tokens_of``), and are deleted at the user's next sign-in
(``accounts.services.api_token_issue``).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.signals import token_expired


class ApiTokenAuthentication(TokenAuthentication):
    def _cleanup_token(self, auth_token) -> bool:
        """Delete ``auth_token`` and say so when it has expired; leave the user's other tokens alone."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False


class ApiTokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of the tokens: knox's (``knoxApiToken``), for this subclass."""

    target_class = "accounts.auth.ApiTokenAuthentication"
