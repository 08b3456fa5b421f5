"""The Simplified Chinese catalog (dropyard/locale/zh_Hans): compiled, and read by Django."""

import ast
import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_django_reads_the_compiled_catalog():
    with translation.override("zh-hans"):
        got = (
            translation.gettext("Tracking number"),
            translation.pgettext("pack button", "Packed"),
            translation.gettext("Packed"),
            translation.ngettext("%(count)d photo saved.", "%(count)d photos saved.", 3)
            % {"count": 3},
            translation.gettext("Language saved."),
        )
    assert got == ("运单号", "打包完成", "已打包", "已保存 3 张照片。", "语言已保存。")
    with translation.override("en"):
        assert translation.gettext("Tracking number") == "Tracking number"


def _entries(text: str) -> list[dict]:
    """The catalog's entries (header and obsolete ``#~`` entries left out), each as its flags
    and fields: ``msgctxt``, ``msgid``, ``msgid_plural``, ``msgstr`` or ``msgstr[0]``.

    A small reader of the PO format, so the test needs neither polib nor gettext's tools: a
    field's value is its quoted first line plus the quoted lines that follow it."""
    entries = []
    for block in text.split("\n\n"):
        flags: set[str] = set()
        fields: dict[str, str] = {}
        field = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[field] += ast.literal_eval(line)
            else:
                field, _, value = line.partition(" ")
                fields[field] = ast.literal_eval(value)
        if fields.get("msgid"):
            entries.append({"flags": flags, **fields})
    return entries


def _key(entry: dict) -> str:
    context = entry.get("msgctxt")
    return f"{context}\x04{entry['msgid']}" if context is not None else entry["msgid"]


def test_every_entry_is_translated_and_none_is_fuzzy():
    entries = _entries(CATALOG.read_text(encoding="utf-8"))

    assert len(entries) > 900  # the reader saw the whole catalog
    assert [_key(e) for e in entries if "fuzzy" in e["flags"]] == []
    assert [_key(e) for e in entries if not e.get("msgstr", e.get("msgstr[0]"))] == []


def test_the_committed_mo_holds_every_translation_of_the_po():
    entries = _entries(CATALOG.read_text(encoding="utf-8"))
    with CATALOG.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]

    stale = [
        _key(e)
        for e in entries
        if compiled.get((_key(e), 0) if "msgid_plural" in e else _key(e))
        != e.get("msgstr", e.get("msgstr[0]"))
    ]

    assert stale == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_the_catalog_passes_msgfmt_check(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(CATALOG)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
