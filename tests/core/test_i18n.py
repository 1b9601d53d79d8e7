import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import formats, translation

LOCALE = settings.BASE_DIR / "locale"


class CatalogueTests:
    @pytest.mark.parametrize("lang", ["kk", "ru"])
    def test_catalogue_has_no_untranslated_or_fuzzy_messages(self, lang):
        msgfmt = shutil.which("msgfmt")
        assert msgfmt, "msgfmt (GNU gettext) is needed to compile the catalogues"
        po = LOCALE / lang / "LC_MESSAGES" / "django.po"
        result = subprocess.run(
            [msgfmt, "--statistics", "--check-format", "-o", "/dev/null", str(po)],
            capture_output=True, text=True,
        )
        assert result.returncode == 0, result.stderr
        assert "untranslated" not in result.stderr, result.stderr
        assert "fuzzy" not in result.stderr, result.stderr
        assert "translated message" in result.stderr

    @pytest.mark.slow
    def test_catalogues_cover_every_marked_string(self, tmp_path):
        """makemessages over a copy of the code finds no string that the catalogues lack."""
        import os
        import sys

        import polib

        base = settings.BASE_DIR
        copy = tmp_path / "src"
        skip = shutil.ignore_patterns(".venv", "node_modules", ".data", "staticfiles", ".git", "__pycache__", "tests")
        shutil.copytree(base, copy, ignore=skip)
        env = dict(os.environ, DATABASE_URL="postgres://nobody@localhost:1/none", REDIS_URL="redis://localhost:1/0",
                   DJANGO_SETTINGS_MODULE="eqazyna.settings")
        result = subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "kk", "--no-obsolete"],
            cwd=copy, env=env, capture_output=True, text=True,
        )
        assert result.returncode == 0, result.stderr
        fresh = {e.msgid for e in polib.pofile(str(copy / "locale" / "kk" / "LC_MESSAGES" / "django.po"))}
        known = {e.msgid for e in polib.pofile(str(LOCALE / "kk" / "LC_MESSAGES" / "django.po")) if not e.obsolete}
        assert sorted(fresh - known) == [], "run `make makemessages` and translate the new strings"


class UrlLanguageTests:
    @pytest.mark.django_db
    @pytest.mark.parametrize("lang, word", [("kk", "Кіру"), ("ru", "Войти"), ("en", "Sign in")])
    def test_pages_are_served_under_each_language_prefix(self, client, lang, word):
        response = client.get(f"/{lang}/")
        assert response.status_code == 200
        assert f'<html lang="{lang}">' in response.content.decode()
        assert word in response.content.decode()

    @pytest.mark.django_db
    def test_root_redirects_to_kazakh_by_default(self, client):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"] == "/kk/"

    @pytest.mark.django_db
    def test_language_switcher_keeps_the_page_and_changes_the_prefix(self, client):
        response = client.post("/i18n/setlang/", {"language": "ru", "next": "/kk/accounts/login/"})
        assert response.status_code == 302
        assert response["Location"] == "/ru/accounts/login/"


class KazakhFormatTests:
    def test_kazakh_dates_are_day_month_year(self):
        with translation.override("kk"):
            assert formats.date_format(dt.date(2025, 11, 12), "SHORT_DATE_FORMAT") == "12.11.2025"

    def test_kazakh_numbers_use_a_decimal_comma_and_spaced_thousands(self):
        with translation.override("kk"):
            assert formats.number_format(Decimal("1234567.50"), 2, force_grouping=True) == "1\xa0234\xa0567,50"


class LanguageSwitcherTests:
    @pytest.mark.django_db
    def test_switching_from_a_page_reached_in_another_language_than_the_browsers_keeps_the_page(self, client):
        """A visitor whose browser says Kazakh opens a Russian link, then picks English: the same page in English."""
        page = client.get("/ru/accounts/login/?next=/ru/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
        assert 'formaction="/i18n/setlang/?next=/en/accounts/login/%3Fnext%3D/ru/"' in page
        response = client.post("/i18n/setlang/?next=/en/accounts/login/%3Fnext%3D/ru/", {"language": "en"},
                               HTTP_ACCEPT_LANGUAGE="kk")
        assert response.status_code == 302 and response["Location"] == "/en/accounts/login/?next=/ru/"
