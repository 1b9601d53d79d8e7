"""The Content-Security-Policy (issue 11, defect 6): every page passes it with no inline script.

The policy allows scripts and styles only from the portal's own static files. The crawler signs in
as every role of the demo, follows every link and HTMX fragment of every page it reaches (one page
per URL shape), and finds on none of them an inline ``<script>``, an ``on…=`` handler, a ``style``
attribute or a ``<style>`` element. ``tests/browser/test_csp.py`` checks the same in Chromium.
"""

from __future__ import annotations

import io
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
SKIPPED = re.compile(r"/(logout|setlang)/|/download/|/export/|/pdf/|\.pdf$|/document/|/admin/.*/(add|delete|history)/")
ROLES = ["department", "school", "operator", "monitor", "admin", None]
PAGES_PER_ROLE = 250
VISITED: list[str] = []


class PageScan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> (an inline event handler)")
            elif name == "style":
                self.problems.append(f"<{tag} style=…> (an inline style)")
            elif name in ("href", "hx-get") and value:
                self.links.append(value)
            elif name == "href" or (name == "src" and tag == "iframe"):
                pass
        if tag == "script" and not values.get("src") and (values.get("type") or "text/javascript") not in DATA_SCRIPT_TYPES:
            self.problems.append("<script> without src (an inline script)")
        if tag == "style":
            self.problems.append("<style> element (an inline style sheet)")
        if tag == "a" and (values.get("href") or "").lower().startswith("javascript:"):
            self.problems.append("<a href=javascript:…>")


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(client: Client, *starts: str) -> tuple[int, dict[str, list[str]]]:
    """Visit one page per URL shape reachable from ``starts``; the problems found, by page."""
    seen_shapes, problems, visited = set(), {}, 0
    queue = deque(starts)
    while queue and visited < PAGES_PER_ROLE:
        url = queue.popleft()
        parts = urlsplit(url)
        key = shape(parts.path) + ("?" + re.sub(r"\d+", "N", parts.query) if parts.query.startswith(("hx", "partial")) else "")
        if key in seen_shapes:
            continue
        seen_shapes.add(key)
        response = client.get(url)
        visited += 1
        VISITED.append(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        policy = response.get("Content-Security-Policy", "")
        if "script-src 'self'" not in policy or "unsafe-inline" in policy:
            problems.setdefault(url, []).append(f"Content-Security-Policy header: {policy!r}")
        scan = PageScan()
        scan.feed(response.content.decode())
        if scan.problems:
            problems.setdefault(url, []).extend(sorted(set(scan.problems)))
        for link in scan.links:
            link = urldefrag(link)[0]
            target = urlsplit(link)
            if target.scheme or target.netloc or not target.path.startswith("/"):
                continue
            if not (target.path.startswith("/kk/") or target.path.startswith("/api/docs/")) or SKIPPED.search(target.path):
                continue
            if target.query and not target.query.startswith(("hx", "partial")):
                link = target.path  # filters and pages of a list render the same markup
            queue.append(link)
    return visited, problems


@pytest.mark.slow
@pytest.mark.django_db
class EveryPageTests:
    def test_no_page_of_any_role_has_an_inline_script_handler_or_style(self):
        call_command("seed_demo", stdout=io.StringIO())
        report, total = [], 0
        for username in ROLES:
            client = Client()
            if username:
                client.force_login(User.objects.get(username=username))
            visited, problems = crawl(client, "/kk/", *(["/kk/admin/"] if username == "admin" else []))
            total += visited
            assert visited > (20 if username else 3), (username, visited)
            report += [f"{username or 'anonymous'} {url}: {', '.join(found)}" for url, found in problems.items()]
        assert not report, "\n".join(report)
        assert total > 150


@pytest.mark.django_db
class PolicyHeaderTests:
    def test_pages_and_the_api_docs_carry_a_policy_without_unsafe_inline(self, client):
        for url in ("/kk/accounts/login/", "/api/docs/"):
            policy = client.get(url)["Content-Security-Policy"]
            assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
            assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy

    def test_the_pages_may_reach_ncalayer_on_the_users_computer_at_the_configured_address(self, client, settings):
        settings.SIGNATURE_NCALAYER_URL = "ws://127.0.0.1:40123"
        policy = client.get("/kk/accounts/login/")["Content-Security-Policy"]
        assert "connect-src 'self' ws://127.0.0.1:40123" in policy

    def test_the_scanner_finds_what_the_policy_forbids(self):
        scan = PageScan()
        scan.feed('<script>alert(1)</script><script type="application/json">{}</script><script src="/s.js"></script>'
                  '<a href="#" onclick="x()">a</a><div style="color:red"></div><style>p{}</style>')
        assert len(scan.problems) == 4
