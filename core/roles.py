"""The roles of the portal's users (``accounts.User.role``) and the groups the rules ask about.

They live in core, below every app, because the scoping (``core.scoping``) and every app's rules
need them, while ``accounts`` (the users, which belong to a school) sits above ``schools``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DEPARTMENT = "department", _("Department officer")
    SCHOOL = "school", _("School representative")
    OPERATOR = "operator", _("Operator")
    MONITOR = "monitor", _("Monitor")
    ADMIN = "admin", _("Administrator")


# Roles that see every row of every scoped model.
NATIONWIDE_ROLES = frozenset({Role.OPERATOR, Role.MONITOR, Role.ADMIN})
# Roles that may never change anything.
READ_ONLY_ROLES = frozenset({Role.MONITOR})
