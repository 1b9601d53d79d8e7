"""The apps are layered (``.importlinter``): an app imports only the apps below it. These tests run
``lint-imports`` (import-linter), as a developer would, so that ``make test`` fails on an import that
breaks the layers — lazy imports inside functions included."""

import subprocess
import sys
import textwrap
from pathlib import Path

from django.conf import settings

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(directory: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", *args], cwd=directory, capture_output=True, text=True,
                          env={"PYTHONPATH": str(directory), "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}, timeout=300)


class LayerTests:
    def test_every_app_imports_only_the_apps_below_it(self):
        result = lint_imports(Path(settings.BASE_DIR))
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Contracts: 2 kept, 0 broken." in result.stdout

    def test_an_upward_import_inside_a_function_breaks_the_contract(self, tmp_path):
        """The same check on a tiny project: a lower package that imports a higher one lazily is caught."""
        for package, source in {
            "low": """
                def total():
                    from high.pages import PAGE  # hidden in a function: still an import

                    return PAGE
            """,
            "high": "",
        }.items():
            (tmp_path / package).mkdir()
            (tmp_path / package / "__init__.py").write_text("")
            (tmp_path / package / ("pages.py" if package == "high" else "rules.py")).write_text(
                textwrap.dedent(source) or "PAGE = 1\n")
        (tmp_path / ".importlinter").write_text(textwrap.dedent("""
            [importlinter]
            root_packages =
                low
                high

            [importlinter:contract:layers]
            name = layers
            type = layers
            layers =
                high
                low
        """))
        result = lint_imports(tmp_path)
        assert result.returncode == 1
        assert "low is not allowed to import high" in result.stdout and "low.rules -> high.pages" in result.stdout
