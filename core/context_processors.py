from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info


def language_links(request) -> list[dict]:
    """This page in each language. Translated here, where the page's own language is active:
    ``set_language`` translates ``next`` under the language of the cookie or the browser, which
    fails when the visitor arrived by a link in another language (it then kept the old prefix)."""
    path = request.get_full_path() if request is not None else "/"
    links = []
    for code, _name in settings.LANGUAGES:
        links.append({"code": code, "name_local": get_language_info(code)["name_local"], "next": translate_url(path, code)})
    return links
