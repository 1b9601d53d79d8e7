"""The one place that decides which rows a user may see, and what a user may do to them.

Modelled on NetBox's ``RestrictedQuerySet.restrict(user, action)``: every question "may this user
*do* this to this row?" is answered here, from what each model declares in one place, next to its
scope::

    scope = Scope(
        region="contract__order__region", school="school",
        actions={
            "submit": Allow(Role.SCHOOL),                       # the school, on its own acts
            "accept": Allow(Role.DEPARTMENT),                   # the department, on its region's acts
            "approve": Allow(Role.OPERATOR, only=[FOUR_EYES]),  # an operator, on rows meeting a condition
            "import": Allow(),                                  # nobody but the system (actor=None)
        },
    )

**Seeing** (the action ``view``, never declared):

* operator, monitor and admin see every row;
* a department officer sees rows of its region (``region``: a lookup to the Region, or a callable
  ``user -> Q``);
* a school representative sees rows of its school (``school``: a lookup to the School, or a callable);
* anyone else (anonymous) sees only what the scope declares ``public`` (nothing by default).

**Doing** (every other action): the user's role must be one the action's ``Allow`` names, the row
must be one of the user's own — every row for the nationwide roles, its region's rows for a
department, its school's rows for a school (the same lookups as seeing) — and the row must meet
each of the ``Allow``'s conditions (``Condition``: a ``Q`` built from the user, with the
translated message that says why a row that fails it is refused, e.g. four eyes).

Three rules hold everywhere:

* a superuser is an administrator (``effective_role``), nothing more and nothing less;
* a monitor only reads: an ``Allow`` naming ``Role.MONITOR`` counts only for the ``(model, action)``
  pairs listed in ``MONITOR_ACTIONS`` (the one list of exceptions to the read-only rule);
* ``actor=None`` is the system (a command, a task, the nightly job), as in the audit trail: it may
  do everything; an anonymous visitor is a user object, never ``None``.

The questions, asked by services, API permissions, page views and templates alike:

* ``Model.objects.restrict(user, action)`` (or ``restrict(queryset, user, action)``): the rows
  ``user`` may do ``action`` to; ``visible_to(user)`` is ``restrict(user, "view")``;
* ``may(user, action, obj)``: whether ``user`` may do ``action`` to ``obj`` (a row, or a model
  class for "may this user do it to any row at all" — the page and the API ask it before a form);
* ``require(user, action, obj)``: the same, raising ``PermissionDeniedError`` with a translated
  message naming why (services call it; ``core.workflow.transition_apply`` calls it for every
  transition);
* ``allowed_actions(user, obj)``: the actions ``user`` may take on ``obj`` *now* — the permission
  and, for an action in the model's ``TRANSITIONS``, the current status (the buttons a page
  shows, the ``actions`` of an API answer).

A row's "is it mine" is answered in Python from the lookups when they are plain fields (no
query), and by one query otherwise; a condition likewise. ``restrict`` and ``may`` read the same
declaration, and ``tests/core/test_permissions.py`` checks that they agree for every model,
action and role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from core.errors import DomainError, PermissionDeniedError
from core.roles import NATIONWIDE_ROLES, READ_ONLY_ROLES, Role

QFactory = Callable[[object], Q]

VIEW = "view"

# The one list of exceptions to "a monitor only reads": (app_label.ModelName, action) pairs an
# ``Allow(Role.MONITOR, …)`` may grant — the monitors' own procedure, the monitoring cases (``oversight``).
MONITOR_ACTIONS: frozenset[tuple[str, str]] = frozenset(
    ("oversight.MonitoringCase", action) for action in (
        "open", "ask", "note", "attach", "attach_internal", "start_dialogue", "conclude", "reject_report", "close_case",
        "cancel_case",
    )
)


@dataclass(frozen=True)
class Condition:
    """A further limit on the rows of an action: ``rows(user)`` is a ``Q`` the row must meet.

    ``message`` (translated) and ``code`` say why a row that does not meet it is refused; ``error`` is
    the refusal's type: a ``PermissionDeniedError`` (403) for a rule about who acts (four eyes), a
    ``DomainError`` (400) for a rule about the row itself (only a warning can be explained).
    """

    rows: QFactory
    message: object
    code: str
    error: type[DomainError] = PermissionDeniedError


@dataclass(frozen=True, init=False)
class Allow:
    """Who may do an action: these roles, each on its own rows, on rows meeting every ``only`` condition.

    ``Allow()`` (no role) is an action only the system takes. ``creates=True`` marks an action that
    makes a new row (asked on the model class, or on the unsaved row with its parents set, e.g.
    ``require(actor, "build", Act(contract=contract, school_id=contract.school_id))``); it is never
    among a row's ``allowed_actions``.
    """

    roles: frozenset[str]
    only: tuple[Condition, ...] = field(default=())
    creates: bool = False

    def __init__(self, *roles: str, only: Iterable[Condition] = (), creates: bool = False):
        unknown = set(roles) - set(Role.values)
        if unknown:
            raise ImproperlyConfigured(f"Unknown roles in Allow: {sorted(unknown)}")
        object.__setattr__(self, "roles", frozenset(roles))
        object.__setattr__(self, "only", tuple(only))
        object.__setattr__(self, "creates", creates)


@dataclass(frozen=True)
class Scope:
    # Lookup from the model to its Region (a department sees rows whose region is its own),
    # or a callable user -> Q for a rule that a lookup cannot express.
    region: str | QFactory | None = None
    # Lookup from the model to its School (a school sees rows of its own school), or a callable.
    school: str | QFactory | None = None
    # What anonymous visitors may see (public open data); None = nothing.
    public: Q | None = None
    # What may be done to the rows, by whom: action name -> Allow.
    actions: dict[str, Allow] = field(default_factory=dict)

    def __post_init__(self):
        if VIEW in self.actions:
            raise ImproperlyConfigured("'view' is decided by the scope's lookups; do not declare it.")

    def _q(self, rule, value) -> Q:
        if rule is None:
            return Q(pk__in=[])
        if callable(rule):
            return rule
        return Q(**{rule: value})

    def for_user(self, user) -> Q | None:
        """The rows ``user`` sees as a filter; None means "everything"."""
        role = effective_role(user)
        if role is None:
            return self.public if self.public is not None else Q(pk__in=[])
        if role in NATIONWIDE_ROLES:
            return None
        if role == Role.DEPARTMENT and user.region_id:
            rule = self.region
            return rule(user) if callable(rule) else self._q(rule, user.region_id)
        if role == Role.SCHOOL and user.school_id:
            rule = self.school
            return rule(user) if callable(rule) else self._q(rule, user.school_id)
        return Q(pk__in=[])


@cache
def scoped_lookups(rule: str) -> tuple[tuple[type[models.Model], str], ...]:
    """(model, lookup) of every installed model whose scope names its region (``rule="region"``) or its school
    (``rule="school"``) by a lookup (a callable rule is not a lookup: such models are left out).

    The one home of "the region (or school) of a row of any model": the audit trail records the region of an
    event's subject from it (``core.audit_places``) and filters the trail by school with it. Read once per process
    (the models and their scopes are fixed once loaded): every ``audit_record`` asks it, for both rules."""
    from django.apps import apps

    return tuple((model, getattr(model.scope, rule)) for model in apps.get_models()
                 if isinstance(getattr(model, "scope", None), Scope) and isinstance(getattr(model.scope, rule), str))


def effective_role(user) -> str | None:
    """The role the decisions use: a superuser is an administrator; anonymous (or no role) is None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    return getattr(user, "role", None) or None


def model_label(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def scope_of(model) -> Scope:
    scope = getattr(model, "scope", None)
    if not isinstance(scope, Scope):
        raise ImproperlyConfigured(f"{model.__name__} declares no scope; it cannot be shown to users.")
    return scope


def _grant(model, action: str) -> Allow:
    try:
        return scope_of(model).actions[action]
    except KeyError:
        raise ImproperlyConfigured(f"{model_label(model)} declares no action {action!r}.") from None


def _role_may(model, action: str, role: str | None) -> bool:
    """Whether ``role`` is among those the action names (a monitor only where ``MONITOR_ACTIONS`` allows)."""
    if role is None:
        return False
    if action == VIEW:
        return True
    if role not in _grant(model, action).roles:
        return False
    return role not in READ_ONLY_ROLES or (model_label(model), action) in MONITOR_ACTIONS


def declared_actions(model, *, creates: bool | None = None) -> list[str]:
    """The actions a model declares (in declaration order), ``view`` excepted; ``creates`` filters."""
    return [name for name, grant in scope_of(model).actions.items() if creates is None or grant.creates == creates]


# --- sets of rows ------------------------------------------------------------------------------


def restrict(queryset: models.QuerySet, user, action: str = VIEW) -> models.QuerySet:
    """The rows of ``queryset`` that ``user`` may do ``action`` to (``user=None``: the system, every row)."""
    model = queryset.model
    scope = scope_of(model)
    if user is None:
        return queryset
    role = effective_role(user)
    if action != VIEW and not _role_may(model, action, role):
        return queryset.none()
    condition = scope.for_user(user)
    if condition is not None:
        queryset = queryset.filter(condition)
    if action != VIEW:
        for rule in _grant(model, action).only:
            queryset = queryset.filter(rule.rows(user))
    return queryset


def scope_queryset(queryset: models.QuerySet, user) -> models.QuerySet:
    """The rows of ``queryset`` that ``user`` may see."""
    return restrict(queryset, user, VIEW)


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return restrict(self, user, VIEW)

    def restrict(self, user, action: str = VIEW):
        return restrict(self, user, action)


# --- one row -------------------------------------------------------------------------------------


class _NeedsQuery(Exception):
    """The Python reading of a lookup or condition is not possible: ask the database."""


def _follow(obj, path: str):
    """The value at the end of a lookup (``contract__order__region`` → ``contract.order.region_id``)."""
    parts = path.split("__")
    for part in parts[:-1]:
        try:
            obj = getattr(obj, part)
        except (AttributeError, models.ObjectDoesNotExist):
            raise _NeedsQuery from None
        if obj is None:
            return None
        if isinstance(obj, models.Manager):
            raise _NeedsQuery
    last = parts[-1]
    if last == "pk":
        return obj.pk
    try:
        model_field = obj._meta.get_field(last)
    except Exception:  # noqa: BLE001 - not a field (a reverse relation or a typo): let the database answer
        raise _NeedsQuery from None
    if model_field.many_to_many or model_field.one_to_many:
        raise _NeedsQuery
    return getattr(obj, model_field.attname)


def _plain(value):
    return value.pk if isinstance(value, models.Model) else value


def _q_holds(obj, q: Q) -> bool:
    """Evaluate a ``Q`` of plain equality (``field``, ``field__in``, ``field__isnull``; ``&``, ``|``, ``~``)
    against ``obj`` in Python; anything else needs the database."""
    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(_q_holds(obj, child))
            continue
        lookup, value = child
        if lookup.endswith("__in"):
            if hasattr(value, "query"):  # a subquery (``pk__in=Model.objects.filter(…).values(…)``)
                raise _NeedsQuery
            results.append(_follow(obj, lookup[:-4]) in {_plain(v) for v in value})
        elif lookup.endswith("__isnull"):
            results.append((_follow(obj, lookup[:-8]) is None) == bool(value))
        else:
            path = lookup[:-7] if lookup.endswith("__exact") else lookup
            if "__" in path:
                try:
                    model_field = obj._meta.get_field(path.split("__")[0])
                except Exception:  # noqa: BLE001
                    raise _NeedsQuery from None
                if not model_field.is_relation:
                    raise _NeedsQuery  # a lookup like ``amount__gt``
            results.append(_follow(obj, path) == _plain(value))
    holds = all(results) if q.connector == Q.AND else any(results)
    return not holds if q.negated else holds


def _row_meets(obj, q: Q) -> bool:
    try:
        return _q_holds(obj, q)
    except _NeedsQuery:
        if obj.pk is None:
            raise ImproperlyConfigured(
                f"{model_label(type(obj))}: a rule that needs the database cannot judge an unsaved row.") from None
        return type(obj)._default_manager.filter(pk=obj.pk).filter(q).exists()


def _row_is_users(scope: Scope, obj, user, role: str) -> bool:
    """Whether ``obj`` is among the rows ``user`` sees (its region's, its school's, or every row)."""
    if role in NATIONWIDE_ROLES:
        return True
    if role == Role.DEPARTMENT and user.region_id:
        rule, own = scope.region, user.region_id
    elif role == Role.SCHOOL and user.school_id:
        rule, own = scope.school, user.school_id
    else:
        return False
    if rule is None:
        return False
    if callable(rule):
        return _row_meets(obj, rule(user))
    try:
        return _follow(obj, rule) == own
    except _NeedsQuery:
        return _row_meets(obj, Q(**{rule: own}))


def _not_yours(user, role) -> PermissionDeniedError:
    if role == Role.SCHOOL:
        return PermissionDeniedError(_("This record belongs to another school; only its own school may do this."),
                                     code="not_your_school")
    if role == Role.DEPARTMENT:
        return PermissionDeniedError(
            _("This record belongs to another region; only the education department of its region may do this."),
            code="not_your_region")
    return PermissionDeniedError(_("This record belongs to another region or school."), code="out_of_scope")


def denial(user, action: str, obj) -> DomainError | None:
    """Why ``user`` may not do ``action`` to ``obj`` (a row or a model class), or None when it may."""
    model = obj if isinstance(obj, type) else type(obj)
    scope = scope_of(model)
    if user is None:
        return None
    role = effective_role(user)
    if role is None:
        if action != VIEW:
            return PermissionDeniedError(_("Sign in first."), code="not_authenticated")
        if scope.public is not None and (isinstance(obj, type) or _row_meets(obj, scope.public)):
            return None
        return PermissionDeniedError(_("This record belongs to another region or school."), code="out_of_scope")
    if not _role_may(model, action, role):
        if role in READ_ONLY_ROLES:
            return PermissionDeniedError(_("A monitor reads everything and changes nothing."), code="read_only")
        return PermissionDeniedError(_("Your role may not do this."), code="role")
    if isinstance(obj, type):
        return None
    if not _row_is_users(scope, obj, user, role):
        return _not_yours(user, role) if action != VIEW else PermissionDeniedError(
            _("This record belongs to another region or school."), code="out_of_scope")
    if action != VIEW:
        for rule in _grant(model, action).only:
            if not _row_meets(obj, rule.rows(user)):
                return rule.error(rule.message, code=rule.code)
    return None


def may(user, action: str, obj) -> bool:
    """Whether ``user`` may do ``action`` to ``obj`` (a row, or a model class: to some row of it)."""
    return denial(user, action, obj) is None


def require(user, action: str, obj) -> None:
    """Refuse with a ``PermissionDeniedError`` naming why, unless ``user`` may do ``action`` to ``obj``."""
    error = denial(user, action, obj)
    if error is not None:
        raise error


def ensure_in_scope(obj: models.Model, actor) -> None:
    """Refuse ``actor`` acting on ``obj`` when it may not even see the row (``require(actor, "view", obj)``)."""
    require(actor, VIEW, obj)


def allowed_actions(user, obj) -> list[str]:
    """The actions ``user`` may take on ``obj`` now: the permission, and for a transition the current status.

    In the model's declaration order. (A service may still refuse for a reason only it can judge,
    such as a deadline or a count; the permission and the status are the same as the service's.)
    """
    if obj is None or getattr(obj, "pk", None) is None or effective_role(user) is None:
        return []
    transitions = getattr(type(obj), "TRANSITIONS", {}) or {}
    status = getattr(obj, "status", None)
    allowed = []
    for action in declared_actions(type(obj), creates=False):
        spec = transitions.get(action)
        if spec is not None and status not in spec.sources:
            continue
        if may(user, action, obj):
            allowed.append(action)
    return allowed
