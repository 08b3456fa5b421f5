"""The Simplified Chinese catalog (dropyard/locale/zh_Hans): compiled, and read by Django."""

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


def test_every_entry_is_translated_and_none_is_fuzzy():
    text = CATALOG.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header
    assert [e for e in entries if e.startswith("#, fuzzy") or "\n#, fuzzy" in e] == []
    assert [e for e in entries if e.rstrip().endswith('msgstr ""') or 'msgstr[0] ""' in e] == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_the_catalog_passes_msgfmt_check(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(CATALOG)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
