"""Procurement sits above schools and accounts and below the portal: it imports no app of the money path."""

import ast
from pathlib import Path

from django.conf import settings

FORBIDDEN = {"orders", "acts", "payments", "checks", "contingent", "portal", "demo", "bench"}


class LayerTests:
    def test_procurement_imports_no_app_of_the_money_path(self):
        offenders = []
        for path in sorted((Path(settings.BASE_DIR) / "procurement").rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names = [node.module]
                offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] in FORBIDDEN]
        assert offenders == []
