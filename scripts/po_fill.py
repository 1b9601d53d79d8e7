#!/usr/bin/env python
"""Fill the Kazakh and Russian catalogues from a JSON batch, or list what is missing.

    python scripts/po_fill.py --missing            # untranslated/fuzzy msgids as a JSON skeleton
    python scripts/po_fill.py batch.json           # {"msgid": {"kk": "...", "ru": "..."}, ...}

Plural entries take {"kk": ["one", "other"], "ru": ["one", "few", "many"]}.
A message with a context (pgettext) is keyed "context::msgid".
Run `make makemessages` first so that every marked string is in the catalogues.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGS = ("kk", "ru")


def catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"), wrapwidth=0)


def _key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}::{entry.msgid}" if entry.msgctxt else entry.msgid


def missing() -> dict:
    result: dict = {}
    for lang in LANGS:
        for entry in catalogue(lang):
            if entry.obsolete:
                continue
            empty = (not entry.msgstr) if not entry.msgid_plural else not all(entry.msgstr_plural.values())
            if empty or "fuzzy" in entry.flags:
                result.setdefault(_key(entry), {})[lang] = ""
    return result


def fill(batch: dict) -> int:
    unknown = set(batch)
    for lang in LANGS:
        po = catalogue(lang)
        for entry in po:
            key = _key(entry)
            if key in batch and lang in batch[key]:
                unknown.discard(key)
                value = batch[key][lang]
                if entry.msgid_plural:
                    entry.msgstr_plural = dict(enumerate(value))
                else:
                    entry.msgstr = value
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
        po.save()
    for msgid in sorted(unknown):
        print(f"not in the catalogue (run makemessages?): {msgid!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--missing":
        json.dump(missing(), sys.stdout, ensure_ascii=False, indent=1)
        print()
        sys.exit(0)
    if len(sys.argv) == 2:
        sys.exit(fill(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
