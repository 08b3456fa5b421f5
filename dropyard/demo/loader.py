"""Demo data for a trial install, built through the real services (``dropyard demo``).

Idempotent: every step first looks for what it would create, so a second run creates nothing and
changes nothing. The demo merchant's API key is the one exception to "secrets are shown once":
its plaintext is kept in ``<data dir>/demo_api_key`` (mode 0600) so that ``./run start`` can show
it on every start. That file is a demo convenience; real keys are only ever stored hashed.
"""

import os
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from dropyard.accounts import services as accounts_services
from dropyard.accounts.choices import Area, MemberRole, OperatorRole, SupplierApplicationStatus
from dropyard.accounts.models import ApiKey, Membership, MerchantAccount, SupplierApplication, User
from dropyard.accounts.sandbox import sandbox_trusted
from dropyard.demo.aftersales import load_aftersales_demo
from dropyard.demo.carrier import load_sandbox_carrier
from dropyard.demo.catalog import DEFAULT_PRODUCTS, load_catalog
from dropyard.demo.orders import _demo_variants, load_demo_orders
from dropyard.demo.sourcing import load_sourcing
from dropyard.demo.stores import load_demo_store
from dropyard.demo.supplier_orders import load_supplier_orders
from dropyard.demo.suppliers import load_suppliers
from dropyard.demo.wallet import load_wallet_demo
from dropyard.sourcing import services as sourcing_services
from dropyard.sourcing.models import AgentMessage

DEMO_PASSWORD = "dropyard-demo"
# How many demo products to generate; tests set a small number to stay fast.
DEMO_PRODUCTS_ENV = "DROPYARD_DEMO_PRODUCTS"
DEMO_MERCHANT_NAME = "Demo Dropship Co"
DEMO_KEY_NAME = "Demo key"
DEMO_KEY_FILE = "demo_api_key"
OWNER_EMAIL = "owner@demodropship.example"
STAFF_EMAIL = "staff@demodropship.example"
STAFF_AREAS = (Area.ORDERS, Area.PRODUCTS)
SUPPLIER_EMAIL = "supplier@brightgadgets.example"

# (role, email, full name, what the login is for)
OPERATORS: tuple[tuple[str, str, str, str], ...] = (
    (OperatorRole.ADMIN, "admin@dropyard.example", "Ada Admin", "everything in the back office"),
    (
        OperatorRole.AGENT,
        "agent@dropyard.example",
        "Sam Agent",
        "personal agent of the demo merchant",
    ),
    (OperatorRole.WAREHOUSE, "warehouse@dropyard.example", "Wei Warehouse", "pick, pack, ship"),
    (OperatorRole.FINANCE, "finance@dropyard.example", "Fran Finance", "top-ups, refunds, ledger"),
    (OperatorRole.SUPPORT, "support@dropyard.example", "Sol Support", "tickets and disputes"),
)

AGENT_MESSAGES: tuple[tuple[bool, str], ...] = (
    (
        True,
        "Hi! I'm Sam, your personal agent at Dropyard. Send me any product link you want sourced "
        "and I'll come back with a price and shipping options.",
    ),
    (
        False,
        "Thanks Sam. Could you find a cheaper supplier for the magnetic phone mount? "
        "We sell about 300 a month to the US.",
    ),
    (
        True,
        "On it. I have two factories in Shenzhen that can do it; I'll send quotes by tomorrow.",
    ),
)


@dataclass(frozen=True)
class DemoLogin:
    """One demo login, as printed by ``dropyard demo`` and listed in the README."""

    label: str
    email: str
    note: str


@dataclass
class DemoResult:
    """What a run of :func:`demo_load` did and what the operator needs to try the demo."""

    merchant: MerchantAccount
    logins: list[DemoLogin]
    created: list[str] = field(default_factory=list)
    api_key: str | None = None
    api_key_note: str = ""
    catalog_totals: dict[str, int] = field(default_factory=dict)


def demo_logins() -> list[DemoLogin]:
    """Every demo login, in the order they are printed."""
    logins = [DemoLogin(f"Operator {role}", email, note) for role, email, _, note in OPERATORS]
    logins += [
        DemoLogin("Merchant owner", OWNER_EMAIL, f"{DEMO_MERCHANT_NAME}, every area"),
        DemoLogin("Merchant staff", STAFF_EMAIL, f"{DEMO_MERCHANT_NAME}, orders + products only"),
        DemoLogin("Supplier", SUPPLIER_EMAIL, "approved supplier: portal, products, stock"),
    ]
    return logins


def demo_product_count() -> int:
    """The number of demo products: ``DROPYARD_DEMO_PRODUCTS`` or the catalog's default."""
    return int(os.environ.get(DEMO_PRODUCTS_ENV) or DEFAULT_PRODUCTS)


@transaction.atomic
def demo_load(*, products: int | None = None) -> DemoResult:
    """Create the demo operators, merchant, team, messages, approved supplier (application,
    warehouse, products, stock), API key,
    catalog (``products`` products, default :func:`demo_product_count`), orders, wallet,
    store, after-sales cases (disputes, a ticket) and sourcing requests in each status.

    Invariant: running it again creates nothing (same rows, same audit log).
    """
    created: list[str] = []
    operators = {
        role: _operator_ensure(role, email, name, created) for role, email, name, _ in OPERATORS
    }
    admin, agent = operators[OperatorRole.ADMIN], operators[OperatorRole.AGENT]

    owner = _user_ensure(OWNER_EMAIL, "Olivia Owner", created)
    merchant = _merchant_ensure(owner, created)
    staff = _user_ensure(STAFF_EMAIL, "Stan Staff", created)
    _staff_ensure(merchant, owner, staff, created)
    if merchant.agent_id != agent.pk:
        accounts_services.merchant_agent_assign(merchant=merchant, agent=agent, actor=admin)
        created.append(f"personal agent {agent.email} for {merchant.business_name}")
    _messages_ensure(merchant, agent, owner, created)

    supplier = _user_ensure(SUPPLIER_EMAIL, "Li Bright", created)
    _supplier_application_ensure(supplier, created)

    api_key, note = _api_key_ensure(merchant, owner, created)
    catalog = load_catalog(products=demo_product_count() if products is None else products)
    created += [f"{n} {kind}" for kind, n in catalog.created.items()]
    created += load_sandbox_carrier()
    # After the catalog (its categories): the approved supplier, its warehouse and products.
    created += load_suppliers(supplier_user=supplier, reviewer=operators[OperatorRole.SUPPORT])
    # The demo orders are sandbox orders paid with sandbox money, on any installation.
    with sandbox_trusted():
        created += load_demo_orders(
            merchant=merchant, owner=owner, warehouse_user=operators[OperatorRole.WAREHOUSE]
        )
    created += load_wallet_demo(
        merchant=merchant, owner=owner, warehouse_user=operators[OperatorRole.WAREHOUSE]
    )
    with sandbox_trusted():
        created += load_supplier_orders(merchant=merchant, owner=owner, supplier_user=supplier)
    created += load_demo_store(merchant=merchant, owner=owner, variants=_demo_variants())
    # After the orders and the wallet: the disputes and the ticket are on their orders. Trusted:
    # a resend of a sandbox order is a sandbox order.
    with sandbox_trusted():
        created += load_aftersales_demo(
            merchant=merchant, owner=owner, support_user=operators[OperatorRole.SUPPORT]
        )
    created += load_sourcing(merchant=merchant, owner=owner, agent=agent)
    return DemoResult(
        merchant=merchant,
        logins=demo_logins(),
        created=created,
        api_key=api_key,
        api_key_note=note,
        catalog_totals=catalog.totals,
    )


# --- steps ------------------------------------------------------------------------------------


def _email_verified(user: User) -> None:
    """Demo addresses cannot receive mail, so they are marked verified (allauth requires it)."""
    accounts_services.email_mark_verified(user=user)


def _operator_ensure(role: str, email: str, full_name: str, created: list[str]) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = accounts_services.operator_create(
            email=email, role=role, actor=None, full_name=full_name, password=DEMO_PASSWORD
        )
        created.append(f"operator {email} ({role})")
    _email_verified(user)
    return user


def _user_ensure(email: str, full_name: str, created: list[str]) -> User:
    # People sign themselves up through allauth in real life; there is no service to call here.
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
        created.append(f"user {email}")
    _email_verified(user)
    return user


def _merchant_ensure(owner: User, created: list[str]) -> MerchantAccount:
    merchant = MerchantAccount.objects.filter(
        business_name=DEMO_MERCHANT_NAME, members__user=owner, members__role=MemberRole.OWNER
    ).first()
    if merchant is None:
        merchant = accounts_services.merchant_account_create(
            owner=owner,
            business_name=DEMO_MERCHANT_NAME,
            niche="Phone accessories and home gadgets",
            target_markets=["US", "GB", "DE"],
            contact_phone="+1 555 0100",
        )
        created.append(f"merchant {merchant.business_name} ({merchant.account_number})")
    return merchant


def _staff_ensure(merchant: MerchantAccount, owner: User, staff: User, created: list[str]) -> None:
    """Add the staff member the way a real team grows: invitation by the owner, then accept."""
    if Membership.objects.filter(merchant=merchant, user=staff).exists():
        return
    _, token = accounts_services.member_invite(
        merchant=merchant,
        actor=owner,
        email=staff.email,
        role=MemberRole.STAFF,
        permissions=[str(area) for area in STAFF_AREAS],
    )
    accounts_services.invitation_accept(token=token, user=staff)
    created.append(f"staff member {staff.email} (orders, products)")


def _messages_ensure(
    merchant: MerchantAccount, agent: User, owner: User, created: list[str]
) -> None:
    if AgentMessage.objects.filter(merchant=merchant).exists():
        return
    for from_agent, body in AGENT_MESSAGES:
        sourcing_services.message_send(
            merchant=merchant, sender=agent if from_agent else owner, body=body
        )
    created.append(f"{len(AGENT_MESSAGES)} agent messages")


def _supplier_application_ensure(applicant: User, created: list[str]) -> None:
    if SupplierApplication.objects.filter(applicant=applicant).exists():
        return
    accounts_services.supplier_application_submit(
        applicant=applicant,
        company_name="Shenzhen Bright Gadgets Factory",
        country="CN",
        address="18 Keji Road, Nanshan District, Shenzhen",
        contact_phone="+86 755 0000 0000",
        legal_representative="Li Bright",
        website="https://brightgadgets.example",
        product_categories="Phone accessories, small electronics",
        business_licence=SimpleUploadedFile(
            "business-licence.pdf", demo_pdf("Business licence (demo)"), "application/pdf"
        ),
        legal_rep_id=SimpleUploadedFile("legal-rep-id.png", demo_png(), "image/png"),
    )
    created.append(f"supplier application ({SupplierApplicationStatus.PENDING.label.lower()})")


def _api_key_ensure(
    merchant: MerchantAccount, owner: User, created: list[str]
) -> tuple[str | None, str]:
    """Return the demo key's plaintext (from the data directory) or a note saying why not."""
    key_file = Path(settings.DATA_DIR) / DEMO_KEY_FILE
    active = ApiKey.objects.filter(merchant=merchant, name=DEMO_KEY_NAME, revoked_at__isnull=True)
    if active.exists():
        stored = key_file.read_text().strip() if key_file.exists() else ""
        if stored and active.filter(key_hash=accounts_services.sha256_hex(stored)).exists():
            return stored, ""
        return None, (
            f"The demo API key exists but its plaintext is not in {key_file}; "
            f"create a new key with: dropyard apikey {owner.email}"
        )
    _, plaintext = accounts_services.apikey_create(
        merchant=merchant, actor=owner, name=DEMO_KEY_NAME
    )
    _write_private(key_file, plaintext + "\n")
    created.append(f"API key {DEMO_KEY_NAME!r}")
    return plaintext, ""


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    path.chmod(0o600)


# --- generated documents ----------------------------------------------------------------------


def demo_pdf(title: str) -> bytes:
    """A small, valid one-page PDF showing ``title`` (ASCII, no parentheses)."""
    text = title.encode("ascii")
    content = b"BT /F1 24 Tf 72 700 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(out)


def demo_png(width: int = 160, height: int = 100) -> bytes:
    """A small, valid RGB PNG (a card-like picture standing in for an ID scan)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = []
    for y in range(height):
        row = bytearray(b"\x00")  # filter type: none
        for x in range(width):
            border = x < 4 or y < 4 or x >= width - 4 or y >= height - 4
            photo = 12 <= x < 56 and 20 <= y < 80
            line = x >= 68 and y % 16 < 4 and 24 <= y < 80
            row += (
                b"\x1f\x3a\x5c" if border else b"\x90\x90\x90" if photo or line else b"\xf4\xf1\xe8"
            )
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )
