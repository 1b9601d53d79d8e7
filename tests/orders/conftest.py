import pytest

from tests.factories import make_school, make_user


@pytest.fixture
def school_c(db, region_astana):
    """A second school in Astana (region 71), competing with school_a for the same order."""
    return make_school(region=region_astana, name="Мектеп В")


@pytest.fixture
def school_c_user(db, school_c):
    return make_user("school_c", role="school", school=school_c)


@pytest.fixture
def second_department_user(db, region_astana):
    """A second officer of the Astana department (two officers approving at once)."""
    return make_user("dept_astana_2", role="department", region=region_astana)
