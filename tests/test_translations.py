"""Arabic is complete and compiled: every message has a translation, none is
fuzzy, and the compiled catalogue the server loads matches the source."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale" / "ar" / "LC_MESSAGES"


def _entries(po_text: str) -> list[dict]:
    """msgid/msgstr blocks of a .po file (enough of the format for this check)."""
    entries = []
    for block in re.split(r"\n\s*\n", po_text):
        if "msgid" not in block or block.lstrip().startswith("#~"):
            continue
        fields: dict[str, str] = {"flags": ""}
        current = None
        for line in block.splitlines():
            if line.startswith("#,"):
                fields["flags"] += line
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        entries.append(fields)
    return [e for e in entries if e.get("msgid")]


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = _entries((LOCALE / "django.po").read_text(encoding="utf-8"))
    assert len(entries) > 50
    untranslated = [
        e["msgid"]
        for e in entries
        if not any(v for k, v in e.items() if k.startswith("msgstr"))
        or ("msgid_plural" in e and not all(e.get(f"msgstr[{i}]") for i in range(6)))
    ]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_source():
    entries = _entries((LOCALE / "django.po").read_text(encoding="utf-8"))
    with open(LOCALE / "django.mo", "rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    singular = [e for e in entries if "msgid_plural" not in e and "msgctxt" not in e]
    missing = [
        e["msgid"]
        for e in singular
        if catalogue.gettext(_unescape(e["msgid"])) == _unescape(e["msgid"])
    ]
    assert missing == [], "run `make messages`: locale/ar/LC_MESSAGES/django.mo is stale"


def test_arabic_pages_are_right_to_left():
    with translation.override("ar"):
        assert translation.get_language_bidi()
        assert translation.gettext("Members") != "Members"


def _unescape(text: str) -> str:
    return text.encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
