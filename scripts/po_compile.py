#!/usr/bin/env python
"""Compile locale/*/LC_MESSAGES/django.po to .mo without GNU gettext (fallback for `make messages`)."""

from pathlib import Path

import polib

for po_path in sorted((Path(__file__).resolve().parent.parent / "locale").glob("*/LC_MESSAGES/django.po")):
    polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
    print(f"compiled {po_path}")
