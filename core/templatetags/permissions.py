"""Buttons through the one permission decision (``{% load permissions %}``).

* ``{% may "submit" act as can_submit %}`` — whether the signed-in user may take the action on the row
  now (the permission and, for a transition, the status): ``core.scoping.allowed_actions``;
* ``{% may "build" "acts.Act" as can_build %}`` — with a model label: whether the user's role may take
  it on some row (a form that creates);
* ``{{ act|allowed_actions:user }}`` — every action allowed now, for ``{% if "submit" in actions %}``.
"""

from django import template

from core.decorators import resolve_model
from core.scoping import allowed_actions as _allowed_actions
from core.scoping import may as _may

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action: str, target) -> bool:
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if isinstance(target, str):
        return _may(user, action, resolve_model(target))
    return action in _allowed_actions(user, target)


@register.filter
def allowed_actions(obj, user) -> list[str]:
    return _allowed_actions(user, obj)
