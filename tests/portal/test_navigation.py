import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from portal.navigation import nav_items, nav_menus


@pytest.mark.django_db
class NavigationTests:
    def test_an_operator_sees_a_few_grouped_menus_each_app_under_its_heading(self, operator_user):
        with translation.override("en"):
            menus = nav_menus(operator_user, "/en/")
            labels = [str(menu["label"]) for menu in menus]
            sections = {str(menu["label"]): [str(section["label"]) for section in menu["sections"]] for menu in menus}
        assert labels == ["State order", "Schools", "Acts and payments", "Control"]  # short forms (context "navigation menu")
        assert sections["Schools"] == ["Schools", "Contingent", "Checks"]
        assert sections["Control"] == ["Signatures", "Risk", "Oversight", "Open data"]

    def test_a_school_does_not_see_operator_pages(self, school_user):
        with translation.override("en"):
            urls = {item["url"] for item in nav_items(school_user, "/en/")}
        assert "/en/schools/registers/" not in urls and "/en/checks/runs/" not in urls
        assert "/en/checks/findings/" in urls

    def test_the_menu_of_the_open_page_is_active(self, operator_user):
        with translation.override("en"):
            menus = nav_menus(operator_user, "/en/checks/findings/12/")
            assert [str(menu["label"]) for menu in menus if menu["active"]] == ["Schools"]

    def test_visitors_get_no_menus(self):
        assert nav_menus(AnonymousUser(), "/kk/") == [] and nav_items(AnonymousUser(), "/kk/") == []

    def test_acts_and_payments_share_one_menu(self, operator_user, school_user):
        with translation.override("en"):
            menu = next(m for m in nav_menus(school_user, "/en/acts/") if str(m["label"]) == "Acts and payments")
        assert [item["url"] for item in menu["items"]][:2] == ["/en/acts/", "/en/acts/overdue/"] and menu["active"]
