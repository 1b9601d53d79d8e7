import pytest


@pytest.mark.django_db
class LoginTests:
    def test_login_page_renders_in_each_language(self, client):
        for code, word in (("kk", "Кіру"), ("ru", "Войти"), ("en", "Sign in")):
            response = client.get(f"/{code}/accounts/login/")
            assert response.status_code == 200
            assert word in response.content.decode()

    def test_user_signs_in_and_lands_on_the_home_page_of_its_role(self, client, department_user):
        response = client.post("/en/accounts/login/", {"username": "dept_astana", "password": "pass-12345"})
        assert response.status_code == 302
        home = client.get(response["Location"])
        assert 'data-role="department"' in home.content.decode()

    def test_wrong_password_is_refused_with_a_translated_message(self, client, department_user):
        response = client.post("/ru/accounts/login/", {"username": "dept_astana", "password": "nope"})
        assert response.status_code == 200
        assert "Неверное имя пользователя или пароль" in response.content.decode()

    def test_logout_needs_post_and_signs_out(self, client, department_user):
        client.force_login(department_user)
        response = client.post("/en/accounts/logout/")
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session


@pytest.mark.django_db
class MonitorReadOnlyTests:
    def test_monitor_web_post_is_refused(self, client, monitor_user):
        client.force_login(monitor_user)
        response = client.post("/en/", {"anything": "1"})
        assert response.status_code == 403

    def test_monitor_may_still_sign_out_and_switch_language(self, client, monitor_user):
        client.force_login(monitor_user)
        assert client.post("/i18n/setlang/", {"language": "ru", "next": "/en/"}).status_code == 302
        assert client.post("/ru/accounts/logout/").status_code == 302

    def test_monitor_api_write_is_refused_even_where_other_roles_may_write(self, api_as, monitor_user):
        from rest_framework.test import APIRequestFactory

        from accounts.permissions import PortalPermission

        class View:
            write_roles = {"monitor", "operator"}

        request = APIRequestFactory().post("/api/v1/anything/")
        request.user = monitor_user
        assert PortalPermission().has_permission(request, View()) is False
