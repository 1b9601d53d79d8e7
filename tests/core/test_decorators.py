"""Pages refuse through the one permission decision: a 403 that says why in the user's language, and
nothing changes (``core.decorators.page_require``, ``permission_required``, ``role_required``)."""

import pytest
from django.test import Client

from contingent.models import Enrolment
from orders.models import Application, StateOrder
from procurement.models import ProcurementContract, WarrantyClaim
from tests.contingent.factories import make_enrolment
from tests.orders.factories import make_order

ROLE_REFUSED = {"ru": "Вашей роли это не разрешено.", "kk": "Сіздің рөліңізге мұны істеуге болмайды."}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _refused(response, language: str, text: str | None = None) -> bool:
    body = response.content.decode()
    return response.status_code == 403 and (text or ROLE_REFUSED[language]) in body


@pytest.mark.django_db
class PageRefusalTests:
    @pytest.mark.parametrize(("role", "path", "model"), [
        ("school_user", "/{lang}/orders/new/", StateOrder),
        ("operator_user", "/{lang}/contingent/add/", Enrolment),
        ("school_user", "/{lang}/procurement/contracts/new/", ProcurementContract),
        ("school_user", "/{lang}/procurement/contracts/import/", ProcurementContract),
        ("department_user", "/{lang}/procurement/warranty/new/", WarrantyClaim),
    ])
    @pytest.mark.parametrize("lang", ["ru", "kk"])
    def test_a_role_that_may_not_create_is_told_so_and_nothing_is_created(self, request, role, path, model, lang):
        client = _client(request.getfixturevalue(role))
        before = model.objects.count()
        assert _refused(client.get(path.format(lang=lang)), lang)
        assert _refused(client.post(path.format(lang=lang), {"title": "x", "number": "x"}), lang)
        assert model.objects.count() == before

    def test_a_department_may_not_apply_to_an_order_for_a_school(self, department_user):
        order = make_order(actor=department_user)
        response = _client(department_user).post(f"/ru/orders/{order.pk}/apply/", {"note": "x"})
        assert _refused(response, "ru")
        assert not Application.objects.exists()

    def test_a_department_may_not_change_a_schools_contingent(self, department_user, school_a):
        enrolment = make_enrolment(school=school_a)
        client = _client(department_user)
        assert _refused(client.post(f"/ru/contingent/{enrolment.pk}/edit/", {"grade": 7}), "ru")
        assert _refused(client.post(f"/kk/contingent/{enrolment.pk}/leave/", {"left_on": "2025-12-20"}), "kk")
        enrolment.refresh_from_db()
        assert (enrolment.grade, enrolment.left_on) == (3, None)

    def test_a_page_only_some_roles_read_says_so(self, school_user):
        assert _refused(_client(school_user).get("/ru/contingent/snapshots/"), "ru")
        assert _refused(_client(school_user).get("/kk/checks/runs/"), "kk")

    def test_a_superuser_is_refused_what_an_administrator_may_not_do(self, school_a):
        from tests.factories import make_user

        root = make_user("root", role="school", school=school_a)
        root.is_superuser = True
        root.save(update_fields=["is_superuser"])
        enrolment = make_enrolment(school=school_a, left_on=None)
        assert _refused(_client(root).post(f"/ru/contingent/{enrolment.pk}/leave/", {"left_on": "2025-12-20"}), "ru")
        enrolment.refresh_from_db()
        assert enrolment.left_on is None
