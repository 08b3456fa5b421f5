import pytest

from dropyard.accounts import selectors, services
from dropyard.accounts.choices import SupplierApplicationStatus
from dropyard.accounts.models import ApiToken, Membership, Supplier
from dropyard.accounts.tests.factories import (
    SupplierApplicationFactory,
    UserFactory,
    make_member,
    make_merchant,
    make_operator,
)
from dropyard.core.errors import NotFound

pytestmark = pytest.mark.django_db


# --- Memberships ------------------------------------------------------------------------------


def test_membership_list_for_user_is_oldest_first(owner, merchant):
    second = make_merchant(business_name="Second Shop")
    make_member(merchant=second, user=owner)

    memberships = selectors.membership_list_for_user(user=owner)

    assert [m.merchant_id for m in memberships] == [merchant.pk, second.pk]


def test_membership_get_for_uses_the_chosen_merchant(owner, merchant):
    second = make_merchant(business_name="Second Shop")
    make_member(merchant=second, user=owner)

    found = selectors.membership_get_for(user=owner, merchant_id=second.pk)

    assert found.merchant_id == second.pk


@pytest.mark.parametrize("chosen", [None, "foreign"])
def test_membership_get_for_falls_back_to_the_first(owner, merchant, other_merchant, chosen):
    merchant_id = other_merchant.pk if chosen == "foreign" else None

    found = selectors.membership_get_for(user=owner, merchant_id=merchant_id)

    assert found.merchant_id == merchant.pk


def test_membership_get_for_user_without_membership_is_none(db):
    assert selectors.membership_get_for(user=UserFactory(), merchant_id=None) is None


def test_member_list_is_scoped_to_the_merchant(merchant, owner, staff_user, other_merchant):
    members = selectors.member_list(merchant=merchant)

    assert [m.user_id for m in members] == [owner.pk, staff_user.pk]


def test_member_get_finds_own_member(merchant, staff_user):
    membership = Membership.objects.get(user=staff_user)

    assert selectors.member_get(merchant=merchant, pk=membership.pk) == membership


def test_member_get_of_other_merchants_member_is_not_found(merchant, other_merchant):
    foreign = Membership.objects.get(merchant=other_merchant)

    with pytest.raises(NotFound):
        selectors.member_get(merchant=merchant, pk=foreign.pk)


# --- Invitations ------------------------------------------------------------------------------


def test_invitation_list_shows_pending_by_default(merchant, owner, other_merchant):
    revoked, _token = services.member_invite(merchant=merchant, actor=owner, email="a@x.test")
    services.invitation_revoke(invitation=revoked, actor=owner)
    pending, _token = services.member_invite(merchant=merchant, actor=owner, email="b@x.test")
    services.member_invite(merchant=other_merchant, actor=other_merchant.owner, email="c@x.test")

    assert list(selectors.invitation_list(merchant=merchant)) == [pending]
    assert list(selectors.invitation_list(merchant=merchant, pending_only=False)) == [
        pending,
        revoked,
    ]


def test_invitation_get_is_scoped_to_the_merchant(merchant, owner, other_merchant):
    invitation, _token = services.member_invite(merchant=merchant, actor=owner, email="a@x.test")

    assert selectors.invitation_get(merchant=merchant, pk=invitation.pk) == invitation
    with pytest.raises(NotFound):
        selectors.invitation_get(merchant=other_merchant, pk=invitation.pk)


# --- API keys and tokens ----------------------------------------------------------------------


def test_apikey_list_is_newest_first_and_scoped(merchant, owner, other_merchant):
    first, _plain = services.apikey_create(merchant=merchant, actor=owner, name="first")
    second, _plain = services.apikey_create(merchant=merchant, actor=owner, name="second")
    services.apikey_create(merchant=other_merchant, actor=other_merchant.owner, name="theirs")

    assert list(selectors.apikey_list(merchant=merchant)) == [second, first]


def test_apikey_get_is_scoped_to_the_merchant(merchant, owner, other_merchant):
    api_key, _plain = services.apikey_create(merchant=merchant, actor=owner, name="k")

    assert selectors.apikey_get(merchant=merchant, pk=api_key.pk) == api_key
    with pytest.raises(NotFound):
        selectors.apikey_get(merchant=other_merchant, pk=api_key.pk)


def test_apitoken_list_is_scoped_to_the_merchant(merchant, owner, other_merchant):
    _key, plain = services.apikey_create(merchant=merchant, actor=owner, name="k")
    _key, their_plain = services.apikey_create(
        merchant=other_merchant, actor=other_merchant.owner, name="k"
    )
    token, _access, _refresh = services.token_issue(api_key=plain)
    services.token_issue(api_key=their_plain)

    assert list(selectors.apitoken_list(merchant=merchant)) == [token]
    assert ApiToken.objects.count() == 2


# --- Operator-side lists ----------------------------------------------------------------------


def test_merchant_list_searches_name_number_and_member_email(merchant, staff_user, other_merchant):
    assert list(selectors.merchant_list(search="acme")) == [merchant]
    assert list(selectors.merchant_list(search=other_merchant.account_number)) == [other_merchant]
    assert list(selectors.merchant_list(search=staff_user.email)) == [merchant]


def test_merchant_list_for_an_agent_shows_only_their_merchants(
    merchant, other_merchant, agent, operator_admin
):
    services.merchant_agent_assign(merchant=other_merchant, agent=agent, actor=operator_admin)

    assert list(selectors.merchant_list(agent=agent)) == [other_merchant]


def test_merchant_get_unknown_is_not_found(db):
    with pytest.raises(NotFound):
        selectors.merchant_get(pk=999_999)


def test_operator_and_agent_lists(merchant, agent, operator_admin):
    support = make_operator(role="support")
    retired_agent = make_operator(role="agent")
    retired_agent.is_active = False
    retired_agent.save(update_fields=["is_active"])

    assert set(selectors.operator_list()) == {agent, operator_admin, support, retired_agent}
    assert list(selectors.operator_list(role="support")) == [support]
    assert list(selectors.agent_list()) == [agent]


# --- Supplier applications --------------------------------------------------------------------


def test_supplier_application_list_filters_and_counts_pending(db):
    first_applicant, second_applicant = UserFactory(), UserFactory()
    rejected = SupplierApplicationFactory(
        applicant=first_applicant, status=SupplierApplicationStatus.REJECTED
    )
    pending = SupplierApplicationFactory(applicant=first_applicant)
    other = SupplierApplicationFactory(applicant=second_applicant)

    assert list(selectors.supplier_application_list()) == [other, pending, rejected]
    assert list(selectors.supplier_application_list(applicant=first_applicant)) == [
        pending,
        rejected,
    ]
    assert list(selectors.supplier_application_list(status=SupplierApplicationStatus.REJECTED)) == [
        rejected
    ]
    assert selectors.supplier_application_pending_count() == 2


def test_supplier_application_get_is_limited_to_the_applicant(db):
    applicant = UserFactory()
    application = SupplierApplicationFactory(applicant=applicant)

    assert selectors.supplier_application_get(pk=application.pk) == application
    assert selectors.supplier_application_get(pk=application.pk, applicant=applicant) == (
        application
    )
    with pytest.raises(NotFound):
        selectors.supplier_application_get(pk=application.pk, applicant=UserFactory())


# --- Lookups for operator forms ---------------------------------------------------------------


def test_merchant_get_by_account_number(merchant, other_merchant):
    found = selectors.merchant_get_by_account_number(account_number=merchant.account_number)

    assert found == merchant
    with pytest.raises(NotFound):
        selectors.merchant_get_by_account_number(account_number="NO-SUCH-NUMBER")
    with pytest.raises(NotFound):  # an exact match only
        selectors.merchant_get_by_account_number(account_number=merchant.account_number[:-1])


def _supplier(company_name: str, *, is_active: bool = True) -> Supplier:
    application = SupplierApplicationFactory(company_name=company_name)
    return Supplier.objects.create(
        user=application.applicant,
        application=application,
        company_name=company_name,
        country="CN",
        is_active=is_active,
    )


def test_supplier_list_is_active_ones_by_company_name():
    zeta, alpha, dormant = (
        _supplier("Zeta Co"),
        _supplier("Alpha Co"),
        _supplier("Dormant", is_active=False),
    )

    assert list(selectors.supplier_list()) == [alpha, zeta]
    assert list(selectors.supplier_list(active_only=False)) == [alpha, dormant, zeta]
