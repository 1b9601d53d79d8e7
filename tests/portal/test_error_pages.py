"""Issue 12 item 6: the 404 and 500 pages speak the user's language; the favicon is served."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

ERROR_HEADINGS = {
    404: {"kk": "Бет табылмады", "ru": "Страница не найдена", "en": "Page not found"},
    500: {"kk": "Бірдеңе дұрыс болмады", "ru": "Что-то пошло не так", "en": "Something went wrong"},
}


@pytest.mark.django_db
class ErrorPageTests:
    @pytest.mark.parametrize("language", ["kk", "ru", "en"])
    def test_an_unknown_address_answers_404_in_the_language_of_the_address(self, client, school_user, language):
        client.force_login(school_user)
        response = client.get(f"/{language}/no-such-page/")
        html = response.content.decode()
        assert response.status_code == 404
        assert ERROR_HEADINGS[404][language] in html and f'lang="{language}"' in html
        assert 'data-testid="current-user"' in html  # the page keeps the portal's navigation

    @pytest.mark.parametrize("language", ["kk", "ru", "en"])
    def test_the_500_page_is_in_the_active_language_and_reads_no_data(self, language, django_assert_num_queries):
        request = RequestFactory().get(f"/{language}/")
        with translation.override(language), django_assert_num_queries(0):
            response = server_error(request)
        assert response.status_code == 500
        assert ERROR_HEADINGS[500][language] in response.content.decode()

    def test_a_refusal_keeps_its_translated_reason(self, client, school_user):
        client.force_login(school_user)
        response = client.get("/ru/schools/registers/")
        assert response.status_code == 403 and 'data-testid="refusal"' in response.content.decode()

    def test_the_favicon_is_an_svg_of_the_portal(self, client):
        response = client.get("/favicon.ico")
        assert response.status_code == 301 and response["Location"].endswith("img/favicon.svg")
