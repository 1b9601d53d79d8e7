"""A small portal with everything the open data publishes, and its publication.

* school A (Astana): 7 pupils (grades 1, 2 and 7), an active contract, October accepted and paid;
  a P03 finding on one pupil and an S04 finding on the school;
* school B (Almaty): 2 pupils, an active contract, October accepted and paid — every figure over
  its pupils is under 5;
* school C (Almaty): 6 pupils (grade 4), an active contract, October accepted and paid — its figures
  are withheld (``x``) with B's, or Almaty's total less C's would tell B's (complementary suppression).

School A's 5 pupils in primary are withheld with its 2 in basic (its total less them would tell them).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.acts.conftest import OCTOBER, TODAY
from tests.acts.factories import make_contract, make_enrolment, make_finding, make_iban
from tests.acts.helpers import accepted_act
from tests.payments.helpers import pay

AS_OF = TODAY


@pytest.fixture(autouse=True)
def _open_data_files(settings, tmp_path):
    settings.OPEN_DATA_DIR = tmp_path / "opendata"


@pytest.fixture
def portal_data(db, school_a, school_b, school_c, school_user, other_school_user, department_user, other_department_user,
                operator_user, second_operator_user):
    from tests.factories import make_user

    for school in (school_a, school_b, school_c):
        school.iban = make_iban()
        school.capacity = 300
        school.save(update_fields=["iban", "capacity"])
    contract_a = make_contract(school=school_a)
    contract_b = make_contract(school=school_b)
    pupils_a = [make_enrolment(school=school_a, grade=grade) for grade in (1, 1, 2, 2, 2, 7, 7)]
    pupils_b = [make_enrolment(school=school_b, grade=grade) for grade in (3, 3)]
    contract_c = make_contract(school=school_c)
    pupils_c = [make_enrolment(school=school_c, grade=4) for _ in range(6)]
    act_a = accepted_act(contract=contract_a, month=OCTOBER, school_user=school_user, department_user=department_user)
    act_b = accepted_act(contract=contract_b, month=OCTOBER, school_user=other_school_user,
                         department_user=other_department_user)
    act_c = accepted_act(contract=contract_c, month=OCTOBER, school_user=make_user("school_c", role="school", school=school_c),
                         department_user=other_department_user)
    payment_a = pay(act=act_a, preparer=operator_user, approver=second_operator_user, paid_on=dt.date(2025, 11, 18))
    payment_b = pay(act=act_b, preparer=operator_user, approver=second_operator_user, paid_on=dt.date(2025, 11, 18))
    payment_c = pay(act=act_c, preparer=operator_user, approver=second_operator_user, paid_on=dt.date(2025, 11, 18))
    make_finding(school=school_a, code="P03", enrolment=pupils_a[0])
    make_finding(school=school_a, code="S04")
    return {"contracts": (contract_a, contract_b, contract_c), "acts": (act_a, act_b, act_c),
            "payments": (payment_a, payment_b, payment_c), "enrolments": pupils_a + pupils_b + pupils_c}


@pytest.fixture
def published(portal_data):
    from opendata.services import publication_refresh

    publication = publication_refresh(trigger="command", as_of=AS_OF)
    return {**portal_data, "publication": publication}


@pytest.fixture
def anonymous_user():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()




@pytest.fixture
def school_c(db, region_almaty):
    from tests.factories import make_school

    return make_school(region=region_almaty, name="Мектеп В")

