"""The Simplified Chinese catalog: its placeholders match the English ones (``msgfmt
--check-format``) and the committed ``django.mo`` is compiled from the committed ``django.po``."""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

MSGFMT = shutil.which("msgfmt")
CATALOG = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
needs_msgfmt = pytest.mark.skipif(MSGFMT is None, reason="gettext's msgfmt is not installed")


def _translations(mo: Path) -> dict:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


@needs_msgfmt
def test_catalog_placeholders_match_the_english():
    result = subprocess.run(
        [MSGFMT, "--check-format", "-o", "/dev/null", str(CATALOG / "django.po")],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr


@needs_msgfmt
def test_committed_mo_is_compiled_from_the_committed_po(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run([MSGFMT, "-o", str(fresh), str(CATALOG / "django.po")], check=True)

    committed = _translations(CATALOG / "django.mo")

    assert committed == _translations(fresh)
    assert committed["Orders"] == "订单"
