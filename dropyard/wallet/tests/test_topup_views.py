"""Merchant Sandbox and wire-transfer top-up pages; finance's wire queue, trial balance and
integrity check pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dropyard.accounts.tests.factories import PDF, make_operator, make_staff
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.wallet.choices import AccountKind, Provider, TopUpStatus
from dropyard.wallet.ledger import wallet_balance
from dropyard.wallet.models import Account, TopUp
from dropyard.wallet.tests.payment_helpers import available
from dropyard.wallet.topups import sandbox_topup, topup_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(db):
    return make_operator(role="finance")


def _wire(merchant, owner, amount=25_000):
    return topup_create(
        merchant=merchant,
        provider=Provider.WIRE,
        amount_minor=amount,
        actor=owner,
        wire_reference="BANK-REF-9",
        proof=SimpleUploadedFile("confirmation.pdf", PDF),
    )


def test_sandbox_topup_page_credits_the_wallet(client, merchant, owner):
    client.force_login(owner)
    page = client.get(reverse("wallet:topup_sandbox"))
    assert page.status_code == 200
    assert "Sandbox" in page.content.decode()

    response = client.post(reverse("wallet:topup_sandbox"), {"amount": "1000.00"})

    topup = TopUp.objects.get(merchant=merchant)
    assert response.status_code == 302
    assert response["Location"] == reverse("wallet:topup_detail", args=[topup.public_id])
    assert topup.provider == Provider.SANDBOX
    assert topup.status == TopUpStatus.SUCCEEDED
    assert wallet_balance(merchant=merchant).available_minor == 100_000
    detail = client.get(response["Location"]).content.decode()
    assert "$1,000.00" in detail or "$1000.00" in detail
    assert "Credited" in detail


@pytest.mark.parametrize("amount", ["9.99", "-5", "abc", "", "10.001"])
def test_sandbox_topup_page_refuses_bad_amounts(client, merchant, owner, amount):
    client.force_login(owner)
    response = client.post(reverse("wallet:topup_sandbox"), {"amount": amount})
    assert response.status_code == 200  # the form again, with its error
    assert response.context["form"].errors
    assert TopUp.objects.count() == 0


def test_wire_topup_page_stores_a_pending_transfer(client, merchant, owner):
    client.force_login(owner)
    response = client.post(
        reverse("wallet:topup_wire"),
        {
            "amount": "250.00",
            "reference": "ACME 2026-11",
            "proof": SimpleUploadedFile("bank.pdf", PDF),
        },
    )
    topup = TopUp.objects.get(merchant=merchant)
    assert response.status_code == 302
    assert (topup.provider, topup.status, topup.amount_minor) == ("wire", "pending", 25_000)
    assert topup.wire_reference == "ACME 2026-11"
    assert wallet_balance(merchant=merchant).available_minor == 0
    proof = client.get(reverse("wallet:topup_proof", args=[topup.public_id]))
    assert proof.status_code == 200
    assert b"".join(proof.streaming_content) == PDF
    assert proof["Content-Type"] == "application/pdf"
    assert proof["Cache-Control"] == "private, no-store"


def test_wire_topup_page_refuses_a_fake_pdf(client, merchant, owner):
    client.force_login(owner)
    response = client.post(
        reverse("wallet:topup_wire"),
        {
            "amount": "250.00",
            "reference": "R",
            "proof": SimpleUploadedFile("bank.pdf", b"<html>not a pdf</html>"),
        },
    )
    assert response.status_code == 200
    assert "PDF, PNG or JPEG" in response.content.decode()
    assert TopUp.objects.count() == 0


def test_another_merchants_topup_is_not_found(client, merchant, owner, other_merchant):
    theirs = _wire(other_merchant, None)
    client.force_login(owner)
    assert client.get(reverse("wallet:topup_detail", args=[theirs.public_id])).status_code == 404
    assert client.get(reverse("wallet:topup_proof", args=[theirs.public_id])).status_code == 404


def test_staff_without_wallet_permission_is_refused(client, merchant):
    staff = make_staff(merchant=merchant, permissions=["orders"])
    client.force_login(staff)
    response = client.post(reverse("wallet:topup_sandbox"), {"amount": "100.00"})
    assert response.status_code == 403
    assert TopUp.objects.count() == 0


def test_topup_list_shows_topups_and_empty_state(client, merchant, owner):
    client.force_login(owner)
    empty = client.get(reverse("wallet:topup_list")).content.decode()
    assert 'data-testid="empty-state"' in empty
    sandbox_topup(merchant=merchant, amount_minor=5_000, actor=owner)
    page = client.get(reverse("wallet:topup_list")).content.decode()
    assert page.count('data-testid="topup-row"') == 1
    assert "$50.00" in page


def test_finance_approves_a_wire_transfer(client, merchant, owner, finance):
    topup = _wire(merchant, owner)
    client.force_login(finance)
    queue = client.get(reverse("wallet_ops:wire_list")).content.decode()
    assert topup.public_id in queue
    detail = client.get(reverse("wallet_ops:wire_detail", args=[topup.public_id]))
    assert 'data-testid="wire-approve-form"' in detail.content.decode()
    proof = client.get(reverse("wallet_ops:wire_proof", args=[topup.public_id]))
    assert b"".join(proof.streaming_content) == PDF

    response = client.post(
        reverse("wallet_ops:wire_decide", args=[topup.public_id]), {"decision": "approve"}
    )

    assert response.status_code == 302
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.SUCCEEDED
    assert topup.decided_by == finance
    assert wallet_balance(merchant=merchant).available_minor == 25_000
    assert AuditEvent.objects.filter(action=AuditAction.WIRE_DECIDED, actor=finance).count() == 1
    # Deciding again is refused and changes nothing.
    again = client.post(
        reverse("wallet_ops:wire_decide", args=[topup.public_id]),
        {"decision": "reject", "reason": "oops"},
        follow=True,
    )
    assert "already credited" in again.content.decode()
    assert wallet_balance(merchant=merchant).available_minor == 25_000
    assert topup.public_id not in client.get(reverse("wallet_ops:wire_list")).content.decode()


def test_finance_rejects_only_with_a_reason(client, merchant, owner, finance):
    topup = _wire(merchant, owner)
    client.force_login(finance)
    url = reverse("wallet_ops:wire_decide", args=[topup.public_id])
    no_reason = client.post(url, {"decision": "reject", "reason": ""}, follow=True)
    assert "reason" in no_reason.content.decode()
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.PENDING

    client.post(url, {"decision": "reject", "reason": "No such credit on our account"})

    topup.refresh_from_db()
    assert topup.status == TopUpStatus.REJECTED
    assert topup.decision_reason == "No such credit on our account"
    assert wallet_balance(merchant=merchant).available_minor == 0
    client.force_login(owner)
    page = client.get(reverse("wallet:topup_detail", args=[topup.public_id])).content.decode()
    assert "No such credit on our account" in page


def test_bad_decision_value_changes_nothing(client, merchant, owner, finance):
    topup = _wire(merchant, owner)
    client.force_login(finance)
    client.post(reverse("wallet_ops:wire_decide", args=[topup.public_id]), {"decision": "maybe"})
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.PENDING


def test_merchants_and_other_operators_cannot_decide(client, merchant, owner, support):
    topup = _wire(merchant, owner)
    url = reverse("wallet_ops:wire_decide", args=[topup.public_id])
    for user in (owner, support):
        client.force_login(user)
        assert client.post(url, {"decision": "approve"}).status_code == 403
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.PENDING


def test_sandbox_topup_cannot_be_decided_as_a_wire(client, merchant, owner, finance):
    topup = sandbox_topup(merchant=merchant, amount_minor=5_000, actor=owner)
    client.force_login(finance)
    url = reverse("wallet_ops:wire_decide", args=[topup.public_id])
    assert client.post(url, {"decision": "approve"}).status_code == 404


def test_trial_balance_and_integrity_pages(client, merchant, owner, finance):
    sandbox_topup(merchant=merchant, amount_minor=7_000, actor=owner)
    client.force_login(finance)
    page = client.get(reverse("wallet_ops:trial_balance")).content.decode()
    assert page.count('data-testid="trial-row"') == 2
    assert "balanced" in page
    ok = client.get(reverse("wallet_ops:integrity_check")).content.decode()
    assert 'data-testid="integrity-ok"' in ok
    wallet = Account.objects.get(kind=AccountKind.WALLET_AVAILABLE)
    Account.objects.filter(pk=wallet.pk).update(balance_minor=7_001)
    bad = client.get(reverse("wallet_ops:integrity_check")).content.decode()
    assert f"account {wallet.pk} balance 7001 != sum of its entries 7000" in bad
    assert "out of balance" in client.get(reverse("wallet_ops:trial_balance")).content.decode()


def test_admin_shows_the_ledger_read_only(client, merchant, owner):
    from django.contrib.auth import get_user_model  # noqa: PLC0415

    sandbox_topup(merchant=merchant, amount_minor=5_000, actor=owner)
    admin_user = get_user_model().objects.create_superuser("root@example.test", "pw-long-enough")
    client.force_login(admin_user)
    for model in ("account", "ledgertransaction", "topup", "providerevent"):
        assert client.get(reverse(f"admin:wallet_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:wallet_{model}_add")).status_code == 403
    txn = TopUp.objects.get().transaction
    page = client.get(reverse("admin:wallet_ledgertransaction_change", args=[txn.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


# --- Sandbox money only where sandbox_allowed ---------------------------------------------------


def test_sandbox_topup_page_and_buttons_are_hidden_from_live_merchants(
    client, merchant, owner, settings
):
    settings.DROPYARD_SANDBOX_PAYMENTS = False
    client.force_login(owner)

    page = client.get(reverse("wallet:topup_sandbox")).content.decode()
    posted = client.post(reverse("wallet:topup_sandbox"), {"amount": "1000.00"})
    home = client.get(reverse("wallet:home")).content.decode()
    topups = client.get(reverse("wallet:topup_list")).content.decode()

    assert 'data-testid="sandbox-topup-disabled"' in page
    assert 'data-testid="sandbox-topup-form"' not in page
    assert posted.status_code == 200
    assert "Sandbox top-ups are disabled" in posted.content.decode()
    assert not TopUp.objects.exists()
    assert available(merchant) == 0
    assert 'data-testid="sandbox-topup-form"' not in home
    assert 'data-testid="topup-sandbox-link"' not in topups


def test_sandbox_topup_buttons_show_where_allowed(client, merchant, owner):
    client.force_login(owner)  # the test settings turn sandbox payments on

    home = client.get(reverse("wallet:home")).content.decode()
    topups = client.get(reverse("wallet:topup_list")).content.decode()

    assert 'data-testid="sandbox-topup-form"' in home
    assert 'data-testid="topup-sandbox-link"' in topups


BANK = {
    "DROPYARD_BANK_NAME": "First Example Bank",
    "DROPYARD_BANK_ACCOUNT_NAME": "Dropyard Fulfilment Ltd",
    "DROPYARD_BANK_IBAN": "GB33BUKB20201555555555",
    "DROPYARD_BANK_SWIFT": "BUKBGB22",
    "DROPYARD_BANK_REFERENCE_HINT": "Transfers arrive in 1-3 business days.",
}


def test_wire_topup_page_shows_the_platform_bank_details_and_reference(
    client, merchant, owner, settings
):
    for name, value in BANK.items():
        setattr(settings, name, value)
    client.force_login(owner)

    html = client.get(reverse("wallet:topup_wire")).content.decode()

    details = html.split('data-testid="bank-details"')[1].split("<form")[0]
    for value in BANK.values():
        assert value in details
    assert f'data-testid="bank-reference">{merchant.account_number}<' in html
    assert "has not configured" not in html


def test_pending_wire_topup_repeats_the_bank_details_with_its_reference(
    client, merchant, owner, settings
):
    for name, value in BANK.items():
        setattr(settings, name, value)
    topup = _wire(merchant, owner)
    client.force_login(owner)

    html = client.get(reverse("wallet:topup_detail", args=[topup.public_id])).content.decode()

    assert "GB33BUKB20201555555555" in html
    assert f'data-testid="bank-reference">{merchant.account_number}<' in html


def test_wire_topup_page_says_when_bank_details_are_not_configured(
    client, merchant, owner, settings
):
    settings.DROPYARD_BANK_NAME = ""
    settings.DROPYARD_BANK_ACCOUNT_NAME = ""
    settings.DROPYARD_BANK_IBAN = ""
    settings.DROPYARD_BANK_SWIFT = ""
    client.force_login(owner)

    html = client.get(reverse("wallet:topup_wire")).content.decode()

    assert 'data-testid="bank-details-missing"' in html
    assert "The operator has not configured the platform's bank details yet" in html
    assert 'data-testid="bank-details"' not in html
