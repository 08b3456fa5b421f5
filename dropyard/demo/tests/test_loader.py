"""Demo data (``demo.loader``) and the ``dropyard demo`` command."""

import re
import struct
import zlib
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from dropyard.accounts import services as accounts_services
from dropyard.accounts.choices import MemberRole, OperatorRole
from dropyard.accounts.models import (
    ApiKey,
    Invitation,
    Membership,
    MerchantAccount,
    SupplierApplication,
    User,
)
from dropyard.accounts.validators import sniff_document_type
from dropyard.aftersales.models import Dispute, DisputeMessage
from dropyard.aftersales.models_tickets import Ticket, TicketMessage
from dropyard.catalog.models import Product, Review, Variant
from dropyard.core.models import AuditEvent
from dropyard.demo import loader as demo
from dropyard.inventory.models import Stock, Warehouse
from dropyard.logistics.models import RateCard, ShippingLine
from dropyard.sourcing.models import AgentMessage

pytestmark = pytest.mark.django_db

DEMO_PRODUCTS = 10
KEY_RE = re.compile(r"^\s+(DY\d+@api@[0-9a-f]{32})$", re.MULTILINE)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """Each test gets its own data directory (the demo API key file lives there)."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def small_catalog(monkeypatch):
    """A small demo catalog keeps the suite fast; the real demo generates 2,000 products."""
    monkeypatch.setenv(demo.DEMO_PRODUCTS_ENV, str(DEMO_PRODUCTS))


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "verified emails": EmailAddress.objects.filter(verified=True).count(),
        "merchants": MerchantAccount.objects.count(),
        "memberships": Membership.objects.count(),
        "invitations": Invitation.objects.count(),
        "applications": SupplierApplication.objects.count(),
        "api keys": ApiKey.objects.count(),
        "messages": AgentMessage.objects.count(),
        "audit events": AuditEvent.objects.count(),
        "products": Product.objects.count(),
        "variants": Variant.objects.count(),
        "reviews": Review.objects.count(),
        "warehouses": Warehouse.objects.count(),
        "stock rows": Stock.objects.count(),
        "shipping lines": ShippingLine.objects.count(),
        "rate cards": RateCard.objects.count(),
        "disputes": Dispute.objects.count(),
        "dispute messages": DisputeMessage.objects.count(),
        "tickets": Ticket.objects.count(),
        "ticket messages": TicketMessage.objects.count(),
    }


def test_second_run_creates_nothing():
    first = run_demo()
    after_first = counts()

    second = run_demo()

    assert counts() == after_first
    del after_first["audit events"]  # compared above; its exact number belongs to the services
    generated = {k: after_first.pop(k) for k in ("variants", "reviews", "stock rows")}
    assert DEMO_PRODUCTS * 2 <= generated["variants"] <= DEMO_PRODUCTS * 6
    assert generated["reviews"] > 0
    assert generated["stock rows"] >= generated["variants"]
    assert after_first == {
        "users": 8,
        "verified emails": 8,
        "merchants": 1,
        "memberships": 2,
        "invitations": 1,
        "applications": 1,
        "api keys": 1,
        "messages": 3,
        # + the sourcing demo's private product and the demo supplier's two products
        "products": DEMO_PRODUCTS + 1 + 2,
        "warehouses": 13,  # + the demo supplier's own warehouse
        "shipping lines": 9,
        "rate cards": 507,
        "disputes": 3,
        "dispute messages": 4,
        "tickets": 1,
        "ticket messages": 2,
    }
    assert "Demo data loaded" in first
    assert f"+ {DEMO_PRODUCTS} products" in first
    assert "nothing new was created" in second


def test_prints_every_login_the_password_and_the_same_api_key_each_run(data_dir):
    first = run_demo()
    second = run_demo()

    for output in (first, second):
        assert f"every password: {demo.DEMO_PASSWORD}" in output
        for login in demo.demo_logins():
            assert login.email in output
        assert "/accounts/login/" in output
    key = KEY_RE.search(first).group(1)
    assert KEY_RE.search(second).group(1) == key
    merchant = MerchantAccount.objects.get()
    assert key.startswith(f"{merchant.account_number}@api@")
    key_file = data_dir / demo.DEMO_KEY_FILE
    assert key_file.read_text().strip() == key
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_printed_api_key_gets_an_access_token():
    key = KEY_RE.search(run_demo()).group(1)

    token, access, _ = accounts_services.token_issue(api_key=key)

    assert token.merchant.business_name == demo.DEMO_MERCHANT_NAME
    assert accounts_services.token_authenticate(access_token=access) == token


def test_lost_key_file_is_reported_and_no_new_key_is_made(data_dir):
    run_demo()
    (data_dir / demo.DEMO_KEY_FILE).unlink()

    output = run_demo()

    assert KEY_RE.search(output) is None
    assert f"dropyard apikey {demo.OWNER_EMAIL}" in output
    assert ApiKey.objects.count() == 1


def test_revoked_demo_key_is_replaced():
    first_key = KEY_RE.search(run_demo()).group(1)
    api_key = ApiKey.objects.get()
    accounts_services.apikey_revoke(api_key=api_key, actor=User.objects.get(email=demo.OWNER_EMAIL))

    second_key = KEY_RE.search(run_demo()).group(1)

    assert second_key != first_key
    assert ApiKey.objects.filter(revoked_at__isnull=True).count() == 1


def test_product_count_comes_from_the_environment_or_the_argument(monkeypatch):
    monkeypatch.delenv(demo.DEMO_PRODUCTS_ENV)
    assert demo.demo_product_count() == 2000

    demo.demo_load(products=4)

    # The 4 catalog products; besides them, the sourcing demo's product private to the demo
    # merchant and the demo supplier's own (reviewed) products.
    generated = Product.objects.filter(private_for__isnull=True, supplier_review__isnull=True)
    assert generated.count() == 4


def test_merchant_team_agent_and_messages():
    demo.demo_load()

    merchant = MerchantAccount.objects.get(business_name=demo.DEMO_MERCHANT_NAME)
    owner = Membership.objects.get(merchant=merchant, role=MemberRole.OWNER)
    staff = Membership.objects.get(merchant=merchant, role=MemberRole.STAFF)
    assert owner.user.email == demo.OWNER_EMAIL
    assert staff.user.email == demo.STAFF_EMAIL
    assert staff.permissions == ["orders", "products"]
    assert staff.areas == frozenset({"orders", "products"})
    assert merchant.agent.email == "agent@dropyard.example"
    assert merchant.agent.operator_role == OperatorRole.AGENT
    messages = list(AgentMessage.objects.filter(merchant=merchant))
    assert [m.from_agent for m in messages] == [True, False, True]
    assert {m.sender.email for m in messages} == {"agent@dropyard.example", demo.OWNER_EMAIL}


def test_operators_have_their_roles():
    demo.demo_load()

    roles = dict(User.objects.exclude(operator_role="").values_list("email", "operator_role"))

    assert roles == {
        "admin@dropyard.example": "admin",
        "agent@dropyard.example": "agent",
        "warehouse@dropyard.example": "warehouse",
        "finance@dropyard.example": "finance",
        "support@dropyard.example": "support",
    }
    assert User.objects.get(email="admin@dropyard.example").is_staff is True


def test_supplier_application_is_approved_with_real_pdf_and_png():
    demo.demo_load()

    application = SupplierApplication.objects.get()
    assert application.status == "approved"
    assert application.applicant.email == demo.SUPPLIER_EMAIL
    with application.business_licence.open("rb") as licence:
        assert sniff_document_type(licence.read(16))[0] == "PDF"
    with application.legal_rep_id.open("rb") as picture:
        assert sniff_document_type(picture.read(16))[0] == "PNG"


def test_every_demo_login_works_through_the_login_page():
    demo.demo_load()

    for login in demo.demo_logins():
        client = Client()
        response = client.post(
            reverse("account_login"), {"login": login.email, "password": demo.DEMO_PASSWORD}
        )

        assert response.status_code == 302, login.email
        user = User.objects.get(email=login.email)
        assert int(client.session["_auth_user_id"]) == user.pk


def test_demo_pdf_is_well_formed():
    pdf = demo.demo_pdf("Business licence")

    assert pdf.startswith(b"%PDF-1.4\n")
    assert pdf.endswith(b"%%EOF\n")
    xref_at = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[xref_at:].startswith(b"xref\n0 6\n")
    offsets = [int(line[:10]) for line in pdf[xref_at:].split(b"\n")[3:8]]
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(b"%d 0 obj\n" % number)


def test_demo_png_is_well_formed():
    png = demo.demo_png(width=20, height=10)

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    position, kinds = 8, []
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", png[position + 8 + length : position + 12 + length])
        assert zlib.crc32(kind + data) & 0xFFFFFFFF == crc
        kinds.append(kind)
        if kind == b"IHDR":
            assert struct.unpack(">II", data[:8]) == (20, 10)
        if kind == b"IDAT":
            assert len(zlib.decompress(data)) == 10 * (1 + 20 * 3)
        position += 12 + length
    assert kinds == [b"IHDR", b"IDAT", b"IEND"]


def test_tour_logins_are_the_demo_logins():
    from dropyard.demo.tour import PASSWORD, ROLES

    assert PASSWORD == demo.DEMO_PASSWORD
    operator_emails = {email for _role, email, _name, _note in demo.OPERATORS}
    assert {role.email for role in ROLES} == operator_emails | {demo.OWNER_EMAIL}
