"""The checks app reads the apps above it only through what they publish."""

import ast
import re
from pathlib import Path

import checks

CHECKS_DIR = Path(checks.__file__).parent
HIGHER_APPS = ("orders", "acts", "payments", "portal", "demo", "bench")


def _modules():
    return [path for path in CHECKS_DIR.rglob("*.py") if "migrations" not in path.parts]


class ChecksLayeringTests:
    def test_checks_imports_no_app_above_it(self):
        offenders = []
        for path in _modules():
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] in HIGHER_APPS]
        assert offenders == []

    def test_checks_sql_reads_orders_only_through_its_published_view(self):
        tables = {match for path in _modules() for match in re.findall(r"\borders_\w+", path.read_text(encoding="utf-8"))}
        assert tables <= {"orders_contracted_places"}
