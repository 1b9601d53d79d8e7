"""Issue 12 item 5: every page a role can reach, in Kazakh and Russian, speaks the page's language.

The crawler signs in as each demo role, follows the links of the portal from the home page (one page
of each kind) and reads the visible text of every page: no raw audit event code, no English sentence
of the catalogue left untranslated, no login where a person is named (people are named by full name
and position).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from html.parser import HTMLParser

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Value
from django.db.models.functions import Concat
from django.test import Client

from accounts.models import User
from core.audit_actions import action_labels

ROLES = ["department", "school", "operator", "monitor", "admin"]
PAGES_PER_ROLE = 90
SKIP = ("logout", "export", "download", "pdf", ".csv", ".xlsx", "/api/", "/media/", "/template/")
# Pages that name logins on purpose: the administrator's list of accounts, one's own account page.
LOGIN_PAGES = ("/signatures/identities/", "/accounts/me/")


class _Text(HTMLParser):
    """The visible text of a page (scripts and styles left out) and its links."""

    def __init__(self):
        super().__init__()
        self.hidden = 0
        self.texts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.hidden += 1
        if tag == "a":
            self.links += [value for name, value in attrs if name == "href" and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def _english_sentences(language: str) -> list[str]:
    """The catalogue's English sentences (three words or more) whose translation differs from them."""
    po = polib.pofile(str(settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"))
    return sorted({entry.msgid for entry in po if entry.msgstr and entry.msgstr != entry.msgid and "%" not in entry.msgid
                   and "{" not in entry.msgid and len(entry.msgid.split()) >= 3 and "\n" not in entry.msgid})


def crawl(client: Client, language: str):
    """(url, visible text pieces) of one page of each kind reachable from the home page."""
    seen, kinds, queue = set(), Counter(), [f"/{language}/"]
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.pop(0)
        kind = re.sub(r"\d+", "N", url.split("?")[0])
        if url in seen or kinds[kind] or any(part in url.lower() for part in SKIP):
            continue
        seen.add(url)
        kinds[kind] += 1
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Text()
        parser.feed(response.content.decode())
        yield url, parser.texts
        queue += [link for link in parser.links if link.startswith(f"/{language}/") and link not in seen]


@pytest.mark.slow
@pytest.mark.django_db
class PageWordsTests:
    def test_every_role_reads_kazakh_and_russian_pages_without_codes_english_or_logins(self):
        call_command("seed_demo", stdout=io.StringIO())
        codes = {action for action in action_labels() if "_" in action}
        users = {user.username: user for user in User.objects.filter(username__in=ROLES)}
        # Logins made unmistakable: any "login-…" on a page is a person named by their login.
        User.objects.update(username=Concat(Value("login-"), "username"))
        problems = []
        pages = 0
        for language in ("kk", "ru"):
            english = _english_sentences(language)
            for role in ROLES:
                client = Client()
                client.force_login(users[role])
                for url, texts in crawl(client, language):
                    pages += 1
                    text = "\n".join(texts)
                    words = set(re.findall(r"[A-Za-z0-9_]+", text))
                    problems += [f"{role} {url}: raw event code {code}" for code in sorted(words & codes)]
                    problems += [f"{role} {url}: English “{sentence}”" for sentence in english if sentence in text]
                    if not url.endswith(LOGIN_PAGES) and "login-" in text:
                        problems.append(f"{role} {url}: a login is shown: {text[text.index('login-'):][:40]}")
        assert pages > 200
        assert problems == []
