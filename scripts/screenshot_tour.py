"""Screenshot tour: every role's main pages of the demo, at desktop and phone width.

Loads the demo into a throwaway data directory, serves it with ``dropyard serve`` on a free
loopback port, logs in as each demo role in Debian's Chromium (Playwright) and saves one
screenshot per page and width into ``docs/screenshots/`` with an index page
(``docs/screenshots/README.md``). Run it again after changing a page to refresh the pictures:

    .venv/bin/python scripts/screenshot_tour.py            # all roles, 1440 and 390 px
    .venv/bin/python scripts/screenshot_tour.py --role merchant --width 390

``--base-url`` tours a server that is already running (``./run start``) instead.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from dropyard.demo.tour import PASSWORD, ROLES, Role, Stop

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HEIGHTS = {1440: 900, 390: 844}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode}) before answering")
        try:
            urllib.request.urlopen(url + "/accounts/login/", timeout=5).close()
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def start_demo_server(data_dir: Path) -> tuple[str, subprocess.Popen]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update(
        DROPYARD_DATA_DIR=str(data_dir),
        DROPYARD_SITE_URL=base,
        DROPYARD_SANDBOX_PAYMENTS="1",
    )
    print(f"loading the demo into {data_dir} (a few minutes)", flush=True)
    subprocess.run(
        [str(VENV_BIN / "dropyard"), "demo"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    log = open(data_dir / "serve.log", "w")  # noqa: SIM115 - kept open for the server's life
    server = subprocess.Popen(
        [str(VENV_BIN / "dropyard"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_for(base, 90, server)
    return base, server


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    if "/accounts/login/" in page.url:
        raise SystemExit(f"could not log in as {email}")


def visit(page, base: str, stop: Stop) -> bool:
    if stop.path.startswith("first:"):
        list_path, pattern = stop.path[len("first:") :].split("|", 1)
        page.goto(base + list_path)
        hrefs = page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.getAttribute('href'))"
        )
        target = next((href for href in hrefs if re.search(pattern, href)), None)
        if target is None:
            return False
        page.goto(base + target)
    else:
        response = page.goto(base + stop.path)
        if response is None or response.status >= 400:
            return False
    page.wait_for_load_state("networkidle")
    return True


def tour(
    base: str, out: Path, roles: list[Role], widths: list[int]
) -> list[tuple[Role, Stop, int, str]]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    shots: list[tuple[Role, Stop, int, str]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for role in roles:
            for width in widths:
                context = browser.new_context(
                    viewport={"width": width, "height": HEIGHTS.get(width, 900)},
                    device_scale_factor=1,
                )
                page = context.new_page()
                log_in(page, base, role.email)
                for stop in role.stops:
                    name = f"{role.slug}-{stop.slug}-{width}.png"
                    if not visit(page, base, stop):
                        print(
                            f"  skipped {role.slug} {stop.slug} at {width} px (page not reachable)"
                        )
                        continue
                    page.screenshot(path=str(out / name))
                    shots.append((role, stop, width, name))
                    print(f"  {name}", flush=True)
                context.close()
        browser.close()
    return shots


def write_index(out: Path, shots: list[tuple[Role, Stop, int, str]], widths: list[int]) -> None:
    lines = [
        "# Screenshot tour",
        "",
        "Every role's main pages of the demo (`./run start`), at "
        + " and ".join(f"{w} px" for w in widths)
        + " wide. Made by `scripts/screenshot_tour.py`; run it again to refresh them.",
        "",
    ]
    by_role: dict[str, list[tuple[Role, Stop, int, str]]] = {}
    for shot in shots:
        by_role.setdefault(shot[0].slug, []).append(shot)
    for role_shots in by_role.values():
        role = role_shots[0][0]
        lines += [f"## {role.title} ({role.email})", ""]
        lines.append("| page | " + " | ".join(f"{w} px" for w in widths) + " |")
        lines.append("|---|" + "---|" * len(widths))
        for stop in role.stops:
            cells = []
            for width in widths:
                match = [s for s in role_shots if s[1] == stop and s[2] == width]
                cells.append(f"![{stop.title}, {width} px]({match[0][3]})" if match else "—")
            if any(cell != "—" for cell in cells):
                lines.append(f"| {stop.title} | " + " | ".join(cells) + " |")
        lines.append("")
    (out / "README.md").write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", help="tour this running server instead of starting the demo")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--role", action="append", choices=[r.slug for r in ROLES])
    parser.add_argument("--width", action="append", type=int)
    args = parser.parse_args()
    roles = [r for r in ROLES if not args.role or r.slug in args.role]
    widths = args.width or [1440, 390]
    out = Path(args.out)
    server = None
    with tempfile.TemporaryDirectory(prefix="dropyard-tour-") as tmp:
        if args.base_url:
            base = args.base_url.rstrip("/")
        else:
            base, server = start_demo_server(Path(tmp))
        try:
            shots = tour(base, out, roles, widths)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
    if not args.role and not args.width:
        # A full tour replaces the set: drop pictures of pages that are no longer in it.
        kept = {shot[3] for shot in shots}
        for old in out.glob("*.png"):
            if old.name not in kept and re.fullmatch(r"[a-z-]+-\d+\.png", old.name):
                old.unlink()
        write_index(out, shots, widths)
    print(f"{len(shots)} screenshots in {out}")


if __name__ == "__main__":
    main()
