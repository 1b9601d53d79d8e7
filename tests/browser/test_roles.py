import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME_HEADINGS = {
    "department": {"kk": "Білім басқармасы", "ru": "Управление образования", "en": "Education department"},
    "school": {"kk": "Жекеменшік мектеп", "ru": "Частная школа", "en": "Private school"},
    "operator": {"kk": "Оператордың жұмыс орны", "ru": "Рабочее место оператора", "en": "Operator workspace"},
    "monitor": {"kk": "Мониторинг", "ru": "Мониторинг", "en": "Monitoring"},
}


@pytest.fixture
def role_users(department_user, school_user, operator_user, monitor_user):
    return {
        "department": department_user,
        "school": school_user,
        "operator": operator_user,
        "monitor": monitor_user,
    }


class RoleHomeBrowserTests:
    @pytest.mark.parametrize("role", ["department", "school", "operator", "monitor"])
    def test_each_role_signs_in_switches_language_and_sees_its_home(self, page, live_server, screenshot, role_users, role):
        user = role_users[role]
        login(page, live_server, user.username)
        assert page.locator("body").get_attribute("data-role") == role
        assert page.locator("[data-testid=home-heading]").inner_text() == HOME_HEADINGS[role]["kk"]
        assert page.locator("html").get_attribute("lang") == "kk"
        screenshot("kk")

        page.click("[data-testid=lang-ru]")
        page.wait_for_url("**/ru/**")
        assert page.locator("html").get_attribute("lang") == "ru"
        assert page.locator("[data-testid=home-heading]").inner_text() == HOME_HEADINGS[role]["ru"]

        page.click("[data-testid=lang-en]")
        page.wait_for_url("**/en/**")
        assert page.locator("[data-testid=home-heading]").inner_text() == HOME_HEADINGS[role]["en"]
        screenshot("en")

    def test_wrong_password_shows_a_translated_error(self, page, live_server, department_user):
        login(page, live_server, department_user.username, password="wrong", lang="ru")
        assert "Неверное имя пользователя или пароль" in page.content()

    def test_bootstrap_and_htmx_are_loaded_from_the_installed_packages(self, page, live_server):
        page.goto(f"{live_server.url}/kk/")
        assert page.evaluate("typeof window.htmx") == "object"
        assert page.evaluate("typeof window.bootstrap") == "object"
