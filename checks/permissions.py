"""Who may do what in the checks app, as the pages and tests ask it: each a question to the one
permission decision (``core.scoping``), declared with the models' scopes (``CheckRun.scope``,
``Finding.scope``) and asked alike by the services (which refuse), the API (``PortalPermission``)
and the pages (which show a button only when allowed).

* starting a check run by hand: an operator or an administrator;
* explaining a finding: the school concerned, for its own warnings;
* deciding a finding (waive, resolve): an operator, an administrator, or the department of the
  school's region.

Superusers count as administrators, as everywhere in the portal; a monitor never changes anything.
Whether the finding's *status* allows the action is the transition table's business
(``checks.transitions``); ``core.scoping.allowed_actions`` asks both.
"""

from __future__ import annotations

from checks.models import CheckRun
from core.scoping import may


def may_start_check_run(user) -> bool:
    return may(user, "start", CheckRun)


def may_explain_finding(user, finding) -> bool:
    return may(user, "explain", finding)


def may_decide_finding(user, finding) -> bool:
    return may(user, "waive", finding)
