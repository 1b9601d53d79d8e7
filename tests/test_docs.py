"""The documentation stands alone: a person who clones the repository can follow every reference.

* No tracked Markdown file links or refers to a path outside the repository (``../shared/…``
  and the like): every ``../`` is resolved from the file's folder and must stay inside.
* Every link to a repository file points at a file that exists (and, with ``#anchor``, at a
  heading that exists); so does every Markdown file named in the text and every repository path
  written in backticks (``checks/engine.py``), so that the docs cannot silently rot when code
  moves.
* Every management command of the project's apps is documented in ``docs/interfaces.md`` or
  ``docs/operations.md``.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(settings.BASE_DIR).resolve()
COMMAND_DOCS = ("docs/interfaces.md", "docs/operations.md")
# Folders that hold no documentation of ours (installed or generated files).
NOT_OURS = {".venv", "node_modules", ".data", "staticfiles", "bench-data", ".git", ".pytest_cache", ".hypothesis"}

FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
CODE_SPAN = re.compile(r"`([^`\n]+)`")
INLINE_LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
PARENT_REFERENCE = re.compile(r"[^\s`'\"()\[\]<>|,;]*\.\./[^\s`'\"()\[\]<>|,;]*")
MARKDOWN_NAME = re.compile(r"(?<![\w./-])([\w./-]*\.md)\b")
REPO_PATH = re.compile(r"[A-Za-z0-9_.\-/]+\.(?:py|md|yml|yaml|toml|txt|html|json|in|cfg|po|sh)")
PLACEHOLDER = re.compile(r"[<>…*{}]")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)


def tracked_markdown() -> list[Path]:
    """The Markdown files git tracks (every Markdown file of ours when git is not at hand)."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--", "*.md"], cwd=ROOT, capture_output=True, check=True).stdout
        files = [ROOT / name for name in listed.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        files = [path for path in ROOT.rglob("*.md") if not NOT_OURS & set(path.relative_to(ROOT).parts)]
    return sorted(path for path in files if path.is_file())


def _inside(path: Path) -> bool:
    resolved = path.resolve()
    return resolved == ROOT or (resolved.is_relative_to(ROOT) and not NOT_OURS & set(resolved.relative_to(ROOT).parts))


def _without_code(text: str) -> str:
    return CODE_SPAN.sub(" ", FENCE.sub(" ", text))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = text.replace("`", "").replace("*", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    found: set[str] = set()
    for heading in HEADING.findall(FENCE.sub("", text)):
        base, n = slug(heading), 0
        name = base
        while name in found:
            n += 1
            name = f"{base}-{n}"
        found.add(name)
    return found


def link_problems(document: Path, text: str) -> list[str]:
    """Links that leave the repository, or point at a file or heading that does not exist."""
    problems = []
    prose = FENCE.sub(" ", text)
    targets = INLINE_LINK.findall(CODE_SPAN.sub(" ", prose)) + REFERENCE_LINK.findall(prose)
    for target in targets:
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto: …
            continue
        path_part, _hash, anchor = target.partition("#")
        if not path_part:
            linked = document
        elif path_part.startswith("/"):  # on a code host, a leading slash means the repository's root
            linked = ROOT / path_part.lstrip("/")
        else:
            linked = document.parent / path_part
        if not _inside(linked):
            problems.append(f"links outside the repository: {target}")
        elif not linked.exists():
            problems.append(f"links to a file that does not exist: {target}")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked.read_text(encoding="utf-8")):
            problems.append(f"links to a heading that does not exist: {target}")
    return problems


def reference_problems(document: Path, text: str) -> list[str]:
    """Paths in the text that leave the repository, and named files of the repository that do not exist."""
    problems = []
    for token in PARENT_REFERENCE.findall(text):
        if not _inside(document.parent / token):
            problems.append(f"refers to a path outside the repository: {token}")
    prose = REFERENCE_LINK.sub(" ", INLINE_LINK.sub(" ", _without_code(text)))  # links are checked as links
    for name in MARKDOWN_NAME.findall(prose) + [
        token for span in CODE_SPAN.findall(FENCE.sub(" ", text)) for token in span.split() if token.endswith(".md")
    ]:
        if PLACEHOLDER.search(name) or "://" in name:
            continue
        candidates = [document.parent / name, ROOT / name.lstrip("/")]
        if not any(_inside(path) and path.is_file() for path in candidates):
            problems.append(f"names a Markdown file that is not in the repository: {name}")
    for span in CODE_SPAN.findall(FENCE.sub(" ", text)):
        for token in span.split():
            token = token.strip(".,;:()")
            if not REPO_PATH.fullmatch(token) or "/" not in token or PLACEHOLDER.search(token) or token.endswith(".md"):
                continue
            first = token.split("/", 1)[0]
            if first in ("", ".", "..") or not (ROOT / first).exists():
                continue  # not a path of this repository (a URL path, a folder inside an app …)
            if not (ROOT / token).is_file():
                problems.append(f"names a repository file that does not exist: {token}")
    return problems


def document_problems(document: Path) -> list[str]:
    text = document.read_text(encoding="utf-8")
    return link_problems(document, text) + reference_problems(document, text)


def project_commands() -> list[str]:
    ours = {config.name for config in apps.get_app_configs()
            if _inside(Path(config.path)) and "site-packages" not in Path(config.path).parts}
    return sorted(name for name, app in get_commands().items() if app in ours)


class DocumentationStandsAloneTests:
    def test_the_repository_has_its_documentation(self):
        names = {path.relative_to(ROOT).as_posix() for path in tracked_markdown()}
        assert {"README.md", "docs/domain.md", "docs/rules.md", "docs/interfaces.md", "docs/architecture.md",
                "docs/operations.md"} <= names

    def test_no_markdown_file_points_outside_the_repository_or_at_a_missing_file(self):
        problems = [f"{path.relative_to(ROOT)}: {problem}" for path in tracked_markdown() for problem in document_problems(path)]
        assert problems == []

    def test_every_management_command_of_the_project_is_documented(self):
        commands = project_commands()
        assert {"seed_demo", "run_checks", "import_contingent", "nobd_import"} <= set(commands)
        text = "\n".join((ROOT / name).read_text(encoding="utf-8") for name in COMMAND_DOCS)
        undocumented = [name for name in commands if not re.search(rf"`{re.escape(name)}[`\s]", text)]
        assert undocumented == []


class DocumentationCheckerTests:
    """The checks above can fail: each kind of broken reference is caught."""

    document = ROOT / "docs" / "example.md"

    def problems(self, text: str) -> list[str]:
        return link_problems(self.document, text) + reference_problems(self.document, text)

    def test_a_reference_to_the_shared_folder_next_to_the_checkout_is_caught(self):
        assert self.problems("Read `../../shared/DOMAIN.md` first.") != []
        assert self.problems("See [the domain](../../shared/DOMAIN.md).") != []

    def test_a_link_to_a_missing_file_or_heading_is_caught(self):
        assert self.problems("See [rules](missing.md).") == ["links to a file that does not exist: missing.md"]
        assert self.problems("See [rules](rules.md#no-such-heading).") == [
            "links to a heading that does not exist: rules.md#no-such-heading"]

    def test_a_missing_repository_path_in_backticks_is_caught(self):
        assert self.problems("The money rule lives in `payments/money.py`.") == [
            "names a repository file that does not exist: payments/money.py"]

    def test_a_markdown_file_named_outside_the_repository_is_caught(self):
        assert self.problems("As STYLE.md says.") == ["names a Markdown file that is not in the repository: STYLE.md"]

    def test_good_references_pass(self):
        assert self.problems(
            "See [the rules](rules.md#one-home-for-each-rule), [the README](../README.md), `core/calendar.py`, "
            "`checks/rules/<code>_<topic>.py`, `/kk/acts/<id>/pdf/`, [docs](https://docs.djangoproject.com/) "
            "and `docs/operations.md`."
        ) == []
