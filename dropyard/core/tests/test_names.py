"""Human names: codes made from public ids (``core.ids.prefixed_code``), counted nouns instead
of "(s)" (``core.text.counted``) and audit targets named by their code, with a link
(``core.selectors.audit_targets``)."""

import re

import pytest
from django.urls import reverse

from dropyard.core.audit import audit_record
from dropyard.core.choices import AuditAction
from dropyard.core.ids import code_public_id, new_public_id, prefixed_code
from dropyard.core.models import AuditEvent
from dropyard.core.selectors import AuditTarget, audit_targets
from dropyard.core.text import counted
from dropyard.wallet.models import TopUp
from dropyard.wallet.topups import sandbox_topup


def test_a_code_is_its_prefix_and_the_public_id_and_reads_back():
    public_id = new_public_id()

    code = prefixed_code("TU", public_id)

    assert code == f"TU{public_id}"
    assert code_public_id("TU", code) == public_id
    assert code_public_id("TU", f" tu{public_id} ") == public_id


@pytest.mark.parametrize("code", ["", "TU", "DY917", "TUabc", "917288089146973705", "TU-9"])
def test_a_code_of_another_kind_or_shape_reads_back_as_nothing(code):
    assert code_public_id("TU", code) == ""


def test_a_code_without_a_public_id_draws_a_fresh_one():
    first, second = prefixed_code("BT"), prefixed_code("BT")

    assert first != second
    assert code_public_id("BT", first).isdigit()


@pytest.mark.parametrize(
    ("count", "singular", "plural", "text"),
    [
        (0, "parcel", "", "0 parcels"),
        (1, "parcel", "", "1 parcel"),
        (2, "feasible plan", "", "2 feasible plans"),
        (1, "entry", "entries", "1 entry"),
        (3, "entry", "entries", "3 entries"),
    ],
)
def test_counted_puts_the_noun_in_the_number_it_takes(count, singular, plural, text):
    assert counted(count, singular, plural) == text


# --- Audit targets -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_audit_list_names_a_topup_by_its_code_and_links_it(client, merchant, owner):
    sandbox_topup(merchant=merchant, amount_minor=5_000, actor=owner, trusted=True)
    topup = TopUp.objects.get(merchant=merchant)
    # A row written before top-ups had codes: its stored label carries the bare id.
    old = f"top-up {topup.public_id} sandbox 5000"
    audit_record(
        action=AuditAction.TOPUP_CREATED, merchant=merchant, target=topup, target_label=old
    )
    client.force_login(owner)

    html = client.get(reverse("core:audit_list")).content.decode()

    cells = re.findall(r'data-testid="audit-target">(.*?)</td>', html, re.S)
    url = reverse("wallet:topup_detail", args=[topup.public_id])
    assert f'<a href="{url}">Top-up {topup.code}</a>' in cells
    assert old not in html
    assert [c for c in cells if topup.public_id in c and topup.code not in c] == []


@pytest.mark.django_db
def test_audit_targets_link_only_the_events_own_merchants_objects(merchant, owner, other_merchant):
    sandbox_topup(merchant=merchant, amount_minor=5_000, actor=owner, trusted=True)
    topup = TopUp.objects.get(merchant=merchant)
    # An event filed under another merchant that (wrongly) targets this merchant's top-up.
    stray = audit_record(action=AuditAction.TOPUP_CREATED, merchant=other_merchant, target=topup)
    own = AuditEvent.objects.filter(merchant=merchant, target_type="wallet.TopUp").first()
    gone = audit_record(action=AuditAction.TOPUP_CREATED, merchant=merchant, target_label="old")
    gone.target_type, gone.target_id = "wallet.TopUp", "999999999"

    targets = audit_targets([own, stray, gone], links=True)
    back_office = audit_targets([own], links=False)

    url = reverse("wallet:topup_detail", args=[topup.public_id])
    assert targets == {
        own.pk: AuditTarget(f"Top-up {topup.code}", url),
        stray.pk: AuditTarget(f"Top-up {topup.code}"),
        gone.pk: AuditTarget("old"),
    }
    assert back_office == {own.pk: AuditTarget(f"Top-up {topup.code}")}
