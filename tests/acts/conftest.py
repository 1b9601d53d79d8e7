import datetime as dt

import pytest

from tests.acts.factories import make_contract, make_iban

# A fixed "today" inside the 2025–2026 school year: October and earlier are over.
TODAY = dt.date(2025, 11, 20)
OCTOBER = dt.date(2025, 10, 1)


@pytest.fixture
def contract(school_a):
    school_a.iban = make_iban()
    school_a.save(update_fields=["iban"])
    return make_contract(school=school_a)


@pytest.fixture
def other_contract(school_b):
    school_b.iban = make_iban()
    school_b.save(update_fields=["iban"])
    return make_contract(school=school_b)
