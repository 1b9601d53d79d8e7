"""No illegal transition succeeds through the API (and every legal one does).

A hypothesis state machine drives the API's action endpoints with random actors (both
departments, three schools, an operator, a monitor, an anonymous caller) and random actions
on an order, its applications and their contracts. A model written from the issue's rules —
independently of ``orders.transitions`` — predicts each outcome; after every step the
database must agree with the model, and the allocation counters must stay within bounds.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test

from core.selectors import audit_events_for
from orders.models import Application, Contract, StateOrder
from tests.factories import make_school, make_user
from tests.openapi import CheckedAPIClient as APIClient
from tests.orders.factories import make_order

ACTORS = ["department", "other_department", "school_a", "school_c", "other_school", "operator", "monitor", "anonymous"]
# Every actor is tried; the order's own department and schools more often, so runs get deep
# (approved applications, signed, suspended, terminated, closed contracts).
ACTOR = st.sampled_from(["department"] * 4 + ["school_a"] * 3 + ["school_c"] * 3 + ACTORS)
APPLYING_SCHOOLS = {"school_a", "school_c"}  # schools of the order's region

# The rules of the issue, written out here on purpose (not imported from orders.transitions):
# action → (who may, from which statuses, to which status, reason required)
ORDER_RULES = {
    "publish": ("department", {"draft"}, "published", False),
    "close": ("department", {"published"}, "closed", False),
}
APPLICATION_RULES = {
    "approve": ("department", {"submitted"}, "approved", False),
    "reject": ("department", {"submitted"}, "rejected", True),
    "withdraw": ("owner", {"submitted"}, "withdrawn", False),
}
CONTRACT_RULES = {
    "suspend": ("department", {"active"}, "suspended", True),
    "resume": ("department", {"suspended"}, "active", False),
    "terminate": ("department", {"active", "suspended"}, "terminated", True),
    "close": ("department", {"active", "suspended", "terminated"}, "closed", False),
}


class OrdersApiMachine(RuleBasedStateMachine):
    users: dict = {}

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()  # every example runs in a savepoint, rolled back in teardown
        self.order = make_order(actor=self.users["department"], publish=False,
                                levels={"primary": (1000, "1000.00"), "basic": (1000, "2000.00")})
        self.order_status = "draft"
        self.applications: dict[int, dict] = {}  # id → {"status", "school" (actor name)}
        self.contracts: dict[int, dict] = {}  # id → {"status", "school", "sha256"}
        self.transitions_done: dict[tuple[str, int], int] = {("order", self.order.pk): 1}  # audit events expected

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers ---------------------------------------------------------------------

    def client(self, actor: str) -> APIClient:
        client = APIClient()
        if actor != "anonymous":
            client.force_authenticate(self.users[actor])
        return client

    @staticmethod
    def allowed_actor(who: str, actor: str, owner: str | None) -> bool:
        return actor == "department" if who == "department" else actor == owner

    def check(self, response, expected: bool, what: str):
        ok = 200 <= response.status_code < 300
        assert ok == expected, f"{what}: expected {'success' if expected else 'refusal'}, got {response.status_code} {response.content[:300]!r}"
        if not ok:
            assert 400 <= response.status_code < 500, f"{what}: {response.status_code}"

    # --- rules -----------------------------------------------------------------------

    @initialize(depth=st.integers(0, 6))
    def start(self, depth):
        """Runs start at a random depth of the legal path (reached through the API, each step checked):
        0 draft order · 1 published · 2 school A applied · 3 approved (contract drawn up) ·
        4 signed by the school · 5 active · 6 suspended. The random rules go on from there."""
        if depth >= 1:
            self.order_action("department", "publish")
        if depth >= 2:
            self.submit("school_a", 2, 1)
        if depth >= 3:
            [pk] = self.applications
            self._application("department", "approve", "", pk)
        if depth >= 4:
            [pk] = self.contracts
            self._sign("school_a", True, pk)
        if depth >= 5:
            self._sign("department", True, pk)
        if depth >= 6:
            self._contract("department", "suspend", "Licence suspended", pk)
        assert self.order_status == ("draft" if depth == 0 else "published")

    @rule(actor=ACTOR, action=st.sampled_from(sorted(ORDER_RULES)))
    def order_action(self, actor, action):
        who, sources, target, _reason = ORDER_RULES[action]
        expected = self.allowed_actor(who, actor, None) and self.order_status in sources
        if action == "close":
            expected = expected and not any(a["status"] == "submitted" for a in self.applications.values())
        response = self.client(actor).post(f"/api/v1/state-orders/{self.order.pk}/{action}/", {}, format="json")
        self.check(response, expected, f"{actor} {action} order ({self.order_status})")
        if expected:
            self.order_status = target
            self.transitions_done[("order", self.order.pk)] += 1

    @rule(actor=ACTOR, primary=st.integers(0, 3), basic=st.integers(0, 2))
    def submit(self, actor, primary, basic):
        live = {a["school"] for a in self.applications.values() if a["status"] in {"submitted", "approved"}}
        expected = (actor in APPLYING_SCHOOLS and self.order_status == "published" and actor not in live
                    and primary + basic > 0)
        levels = [{"level": "primary", "places": primary}, {"level": "basic", "places": basic}]
        response = self.client(actor).post("/api/v1/applications/", {"order": self.order.pk, "levels": levels}, format="json")
        self.check(response, expected, f"{actor} applies ({self.order_status}, live: {sorted(live)})")
        if expected:
            self.applications[response.json()["id"]] = {"status": "submitted", "school": actor}
            self.transitions_done[("application", response.json()["id"])] = 1

    @precondition(lambda self: self.applications)
    @rule(data=st.data(), actor=ACTOR, action=st.sampled_from(sorted(APPLICATION_RULES)),
          reason=st.sampled_from(["", "  ", "Documents incomplete"]))
    def application_action(self, data, actor, action, reason):
        self._application(actor, action, reason, data.draw(st.sampled_from(sorted(self.applications))))

    def _application(self, actor, action, reason, pk):
        model = self.applications[pk]
        who, sources, target, reason_required = APPLICATION_RULES[action]
        expected = self.allowed_actor(who, actor, model["school"]) and model["status"] in sources
        if reason_required:
            expected = expected and bool(reason.strip())
        response = self.client(actor).post(f"/api/v1/applications/{pk}/{action}/", {"reason": reason}, format="json")
        self.check(response, expected, f"{actor} {action} application ({model['status']}, of {model['school']})")
        if expected:
            model["status"] = target
            self.transitions_done[("application", pk)] += 1
            if action == "approve":
                contract = Contract.objects.get(application_id=pk)
                self.contracts[contract.pk] = {"status": "draft", "school": model["school"], "sha256": contract.document.sha256}
                self.transitions_done[("contract", contract.pk)] = 1

    @precondition(lambda self: self.contracts)
    @rule(data=st.data(), actor=ACTOR, good_hash=st.booleans())
    def sign(self, data, actor, good_hash):
        self._sign(actor, good_hash, data.draw(st.sampled_from(sorted(self.contracts))))

    def _sign(self, actor, good_hash, pk):
        model = self.contracts[pk]
        if actor == model["school"]:
            expected, target = model["status"] == "draft", "signed_by_school"
        else:
            expected, target = actor == "department" and model["status"] == "signed_by_school", "active"
        expected = expected and good_hash
        sha = model["sha256"] if good_hash else "f" * 64
        response = self.client(actor).post(f"/api/v1/contracts/{pk}/sign/", {"document_sha256": sha}, format="json")
        self.check(response, expected, f"{actor} signs contract ({model['status']}, good hash: {good_hash})")
        if expected:
            model["status"] = target
            self.transitions_done[("contract", pk)] += 1

    @precondition(lambda self: self.contracts)
    @rule(data=st.data(), actor=ACTOR, action=st.sampled_from(sorted(CONTRACT_RULES)),
          reason=st.sampled_from(["", "Licence suspended", "School closed"]))
    def contract_action(self, data, actor, action, reason):
        self._contract(actor, action, reason, data.draw(st.sampled_from(sorted(self.contracts))))

    def _contract(self, actor, action, reason, pk):
        model = self.contracts[pk]
        who, sources, target, reason_required = CONTRACT_RULES[action]
        expected = self.allowed_actor(who, actor, model["school"]) and model["status"] in sources
        if reason_required:
            expected = expected and bool(reason)
        response = self.client(actor).post(f"/api/v1/contracts/{pk}/{action}/", {"reason": reason}, format="json")
        self.check(response, expected, f"{actor} {action} contract ({model['status']})")
        if expected:
            model["status"] = target
            self.transitions_done[("contract", pk)] += 1

    # --- what must always hold ---------------------------------------------------------

    @invariant()
    def the_database_agrees_with_the_model(self):
        assert StateOrder.objects.get(pk=self.order.pk).status == self.order_status
        assert dict(Application.objects.filter(order=self.order).values_list("pk", "status")) == {
            pk: a["status"] for pk, a in self.applications.items()}
        assert dict(Contract.objects.filter(order=self.order).values_list("pk", "status")) == {
            pk: c["status"] for pk, c in self.contracts.items()}

    @invariant()
    def every_change_left_exactly_one_audit_event(self):
        subjects = {"order": StateOrder, "application": Application, "contract": Contract}
        for (kind, pk), count in self.transitions_done.items():
            assert audit_events_for(subject=subjects[kind](pk=pk)).count() == count, (kind, pk)

    @invariant()
    def allocation_stays_within_the_order(self):
        order = StateOrder.objects.get(pk=self.order.pk)
        assert 0 <= order.committed_amount <= order.budget
        assert all(0 <= level.approved_places <= level.places for level in order.levels.all())


@pytest.mark.django_db
@pytest.mark.slow
def test_no_illegal_transition_succeeds_through_the_api(region_astana, region_almaty):
    school_a = make_school(region=region_astana, name="SM school A")
    school_c = make_school(region=region_astana, name="SM school C")
    other = make_school(region=region_almaty, name="SM other school")
    OrdersApiMachine.users = {
        "department": make_user("sm_department", role="department", region=region_astana),
        "other_department": make_user("sm_other_department", role="department", region=region_almaty),
        "school_a": make_user("sm_school_a", role="school", school=school_a),
        "school_c": make_user("sm_school_c", role="school", school=school_c),
        "other_school": make_user("sm_other_school", role="school", school=other),
        "operator": make_user("sm_operator", role="operator"),
        "monitor": make_user("sm_monitor", role="monitor"),
    }
    run_state_machine_as_test(
        OrdersApiMachine,
        # No shrinking: every step is an HTTP call, and the failure message already names the
        # actor, the action and the status that disagreed with the rules.
        settings=settings(max_examples=50, stateful_step_count=40, deadline=None,
                          phases=[Phase.explicit, Phase.reuse, Phase.generate],
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]),
    )


# --- every actor × every action from every status, exhaustively ---------------------------

CONTRACT_PATHS = {  # how to reach each contract status from "draft", as (actor, action, reason)
    "draft": [],
    "signed_by_school": [("school_a", "sign", "")],
    "active": [("school_a", "sign", ""), ("department", "sign", "")],
    "suspended": [("school_a", "sign", ""), ("department", "sign", ""), ("department", "suspend", "Audit")],
    "terminated": [("school_a", "sign", ""), ("department", "sign", ""), ("department", "terminate", "Audit")],
    "closed": [("school_a", "sign", ""), ("department", "sign", ""), ("department", "close", "")],
}


@pytest.fixture
def machine_users(region_astana, region_almaty):
    school_a = make_school(region=region_astana, name="MX school A")
    school_c = make_school(region=region_astana, name="MX school C")
    other = make_school(region=region_almaty, name="MX other school")
    return {
        "department": make_user("mx_department", role="department", region=region_astana),
        "other_department": make_user("mx_other_department", role="department", region=region_almaty),
        "school_a": make_user("mx_school_a", role="school", school=school_a),
        "school_c": make_user("mx_school_c", role="school", school=school_c),
        "other_school": make_user("mx_other_school", role="school", school=other),
        "operator": make_user("mx_operator", role="operator"),
        "monitor": make_user("mx_monitor", role="monitor"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(CONTRACT_PATHS))
def test_every_actor_and_contract_action_from_every_status_matches_the_rules(machine_users, status):
    OrdersApiMachine.users = machine_users
    machine = OrdersApiMachine()
    try:
        machine.start(depth=3)  # published order, school A's application approved, contract drawn up
        [pk] = machine.contracts
        for actor, action, reason in CONTRACT_PATHS[status]:
            if action == "sign":
                machine._sign(actor, True, pk)
            else:
                machine._contract(actor, action, reason, pk)
        assert machine.contracts[pk]["status"] == status
        for actor in ACTORS:
            for action, reason in [("sign", ""), *[(name, r) for name in CONTRACT_RULES for r in ("", "Audit")]]:
                saved = {key: dict(value) for key, value in machine.contracts.items()}, dict(machine.transitions_done)
                with transaction.atomic():
                    if action == "sign":
                        for good_hash in (True, False):
                            machine._sign(actor, good_hash, pk)
                    else:
                        machine._contract(actor, action, reason, pk)
                    machine.the_database_agrees_with_the_model()
                    machine.every_change_left_exactly_one_audit_event()
                    transaction.set_rollback(True)
                machine.contracts, machine.transitions_done = saved
    finally:
        machine.teardown()


APPLICATION_PATHS = {
    "submitted": [],
    "approved": [("department", "approve", "")],
    "rejected": [("department", "reject", "Late")],
    "withdrawn": [("school_a", "withdraw", "")],
}


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(APPLICATION_PATHS))
def test_every_actor_and_application_action_from_every_status_matches_the_rules(machine_users, status):
    OrdersApiMachine.users = machine_users
    machine = OrdersApiMachine()
    try:
        machine.start(depth=2)  # published order, school A applied
        [pk] = machine.applications
        for actor, action, reason in APPLICATION_PATHS[status]:
            machine._application(actor, action, reason, pk)
        for actor in ACTORS:
            for action in APPLICATION_RULES:
                for reason in ("", "Documents incomplete"):
                    saved = ({k: dict(v) for k, v in machine.applications.items()}, {k: dict(v) for k, v in machine.contracts.items()},
                             dict(machine.transitions_done))
                    with transaction.atomic():
                        machine._application(actor, action, reason, pk)
                        machine.the_database_agrees_with_the_model()
                        machine.every_change_left_exactly_one_audit_event()
                        transaction.set_rollback(True)
                    machine.applications, machine.contracts, machine.transitions_done = saved
            for action in ORDER_RULES:
                saved_status, saved_done = machine.order_status, dict(machine.transitions_done)
                with transaction.atomic():
                    machine.order_action(actor, action)
                    machine.the_database_agrees_with_the_model()
                    transaction.set_rollback(True)
                machine.order_status, machine.transitions_done = saved_status, saved_done
    finally:
        machine.teardown()
