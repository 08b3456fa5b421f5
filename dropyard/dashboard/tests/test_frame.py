"""The page frame (base.html, base_auth.html): the Content-Security-Policy on every response,
templates that the policy would break, the sidebar's markup, the sign-in card, the favicon."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

import dropyard

pytestmark = pytest.mark.django_db

ROOT = Path(dropyard.__file__).parent
TEMPLATES = sorted(ROOT.rglob("templates/**/*.html"))
# An inline script the policy blocks: a <script> tag with no src (json_script data is allowed:
# its type is application/json and the browser never runs it).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
# Event handler attributes (onclick=, onsubmit=…) and htmx's hx-on, which needs eval.
HANDLER = re.compile(r"""\s(on[a-z]+|hx-on(:[a-z:-]*)?)\s*=\s*["']""", re.I)


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_templates_found():
    assert len(TEMPLATES) > 100


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_has_no_inline_script_or_handler(path):
    text = path.read_text(encoding="utf-8")

    assert INLINE_SCRIPT.findall(text) == []
    assert HANDLER.findall(text) == []


def test_policy_allows_scripts_from_own_origin_only(client):
    response = client.get(reverse("account_login"))

    policy = _policy(response)
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["style-src-attr"] == "'unsafe-inline'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["default-src"] == "'self'"


@pytest.mark.parametrize(
    "path",
    ["/home/", "/orders/", "/catalog/", "/wallet/", "/messages/", "/no-such-page/"],
)
def test_every_merchant_response_has_the_policy(client, owner, path):
    client.force_login(owner)

    response = client.get(path)

    assert "script-src 'self';" in response["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/ops/", "/ops/accounts/merchants/", "/system/ops/jobs/"])
def test_every_operator_response_has_the_policy(client, operator_admin, path):
    client.force_login(operator_admin)

    response = client.get(path)

    assert response.status_code in (200, 404)
    assert "script-src 'self';" in response["Content-Security-Policy"]


def test_api_responses_have_the_policy(client):
    response = client.post("/api2.0/v1/authentication/getAccessToken", data={})

    assert "script-src 'self';" in response["Content-Security-Policy"]


def test_sidebar_marks_the_current_page(client, owner):
    client.force_login(owner)

    html = client.get("/orders/").content.decode()

    nav = html[html.index('data-testid="main-nav"') : html.index("</nav>")]
    current = re.findall(r'<a class="nav-link active" href="([^"]+)" aria-current="page"', nav)
    assert current == ["/orders/"]
    assert nav.count('aria-current="page"') == 1


def test_operator_sidebar_and_search(client, operator_admin):
    client.force_login(operator_admin)

    html = client.get("/ops/").content.decode()

    assert '<div class="dy-nav-heading">System</div>' in html
    assert 'action="/ops/orders/"' in html
    assert "Back office" in html


def test_user_menu_and_top_bar_logo_keep_their_names_on_phones(client, owner):
    client.force_login(owner)

    html = client.get("/home/").content.decode()

    # Hidden visually below the breakpoint (app.css), not display:none: still the control's name.
    menu = html[
        html.index('data-testid="user-menu"') : html.index(
            "</button>", html.index('data-testid="user-menu"')
        )
    ]
    assert f'<span class="dy-sr-below-xl text-truncate">{owner.display_name}</span>' in menu
    assert '<a class="dy-brand d-lg-none" href="/">' in html
    assert '<span class="dy-sr-below-sm">Dropyard</span></a>' in html


def test_login_page_is_a_card_without_sidebar(client):
    html = client.get(reverse("account_login")).content.decode()

    assert 'class="dy-auth-page"' in html
    assert 'data-testid="main-nav"' not in html
    assert html.count("Forgot your password?") == 1


def test_logged_in_allauth_page_keeps_the_frame(client, owner):
    client.force_login(owner)

    html = client.get(reverse("account_change_password")).content.decode()

    assert 'data-testid="main-nav"' in html
    assert 'class="auth-card"' in html


def test_favicon_ico_is_served(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"


def test_pages_link_the_svg_icon(client):
    html = client.get(reverse("account_login")).content.decode()

    assert re.search(r'<link rel="icon" href="/static/dropyard/favicon[^"]*\.svg"', html)


def test_every_icon_used_is_in_the_sprite():
    from dropyard.dashboard.context_processors import DEFAULT_ICON, NAV_PLACES

    sprite = Path(finders.find("vendor/tabler-sprite.svg")).read_text(encoding="utf-8")
    in_sprite = set(re.findall(r'<symbol id="tabler-([a-z0-9-]+)"', sprite))
    used = {icon for _, icon in NAV_PLACES.values()} | {DEFAULT_ICON}
    for path in TEMPLATES:
        used |= set(re.findall(r'\{%\s*icon\s+"([a-z0-9-]+)"', path.read_text(encoding="utf-8")))

    assert used - in_sprite == set()
