"""The browser extension as shipped: its manifest's permissions, its pages' script rules, the
committed zip (rebuilt here, byte for byte, so it cannot go stale) and the Developers page
that offers it."""

import importlib.util
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]
EXTENSION = ROOT / "extension"
COMMITTED_ZIP = ROOT / "dropyard" / "static" / "downloads" / "dropyard-extension.zip"


def _build_script():
    spec = importlib.util.spec_from_file_location(
        "build_extension", ROOT / "scripts" / "build_extension.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _manifest() -> dict:
    return json.loads((EXTENSION / "manifest.json").read_text())


def test_committed_zip_is_the_rebuilt_extension(tmp_path):
    build = _build_script()

    first = build.build(tmp_path / "a.zip")
    second = build.build(tmp_path / "b.zip")

    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() == COMMITTED_ZIP.read_bytes(), (
        "extension/ changed: run .venv/bin/python scripts/build_extension.py and commit the zip"
    )


def test_zip_holds_every_extension_file_sorted_with_fixed_times():
    expected = sorted(
        path.relative_to(EXTENSION).as_posix() for path in EXTENSION.rglob("*") if path.is_file()
    )
    with zipfile.ZipFile(COMMITTED_ZIP) as archive:
        infos = archive.infolist()
        assert [info.filename for info in infos] == expected
        assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.read("manifest.json") == (EXTENSION / "manifest.json").read_bytes()


def test_manifest_limits_hosts_to_the_shops_and_the_configured_server():
    manifest = _manifest()

    assert manifest["manifest_version"] == 3
    assert manifest["permissions"] == ["storage"]
    # Local self-hosted servers up front; any other server only once the merchant saves it.
    assert manifest["host_permissions"] == ["http://127.0.0.1/*", "http://localhost/*"]
    assert manifest["optional_host_permissions"] == ["https://*/*", "http://*/*"]
    shops, amazon = manifest["content_scripts"]
    assert shops["matches"] == [
        "*://detail.1688.com/offer/*",
        "*://item.taobao.com/item.htm*",
        "*://detail.tmall.com/item.htm*",
        "*://*.aliexpress.com/item/*",
    ]
    assert {re.sub(r"^\*://\*\.amazon\.[a-z.]+/\*$", "amazon", m) for m in amazon["matches"]} == {
        "amazon"
    }
    assert amazon["include_globs"] == ["*://*/dp/*", "*://*/*/dp/*", "*://*/gp/product/*"]
    assert "<all_urls>" not in json.dumps(manifest)


def test_extension_pages_load_only_their_own_script_files():
    for page in ["options.html", "popup.html"]:
        html = (EXTENSION / page).read_text()
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts == [f'<script type="module" src="{page.replace(".html", ".js")}">']
        assert " style=" not in html
        assert re.search(r"\son[a-z]+=", html) is None
    for path in EXTENSION.rglob("*.js"):
        code = path.read_text()
        assert re.search(r"\beval\(|new Function\(|https?://[^\"'\s]+\.js", code) is None, path


@pytest.mark.django_db
def test_developers_page_offers_the_extension_with_its_setup_steps(client, owner):
    client.force_login(owner)

    body = client.get(reverse("accounts:apikeys")).content.decode()

    assert (
        '<a class="btn btn-sm btn-primary" href="/static/downloads/dropyard-extension.zip" '
        'download data-testid="extension-download">Download the extension (.zip)</a>'
    ) in body
    steps = re.search(r'data-testid="extension-steps">(.*?)</ol>', body, re.S).group(1)
    assert len(re.findall(r"<li>", steps)) == 4
    assert '<code class="text-break">http://testserver</code>' in steps
