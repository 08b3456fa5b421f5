"""Test data for accounts. Multi-model setup goes through the real services."""

import itertools

import factory

from dropyard.accounts import services
from dropyard.accounts.choices import MemberRole
from dropyard.accounts.models import Membership, MerchantAccount, User

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    """A plain user with a usable password (``PASSWORD``) and a verified primary email."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.save()
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(
            user=obj, email=obj.email, defaults={"verified": True, "primary": True}
        )


def make_merchant(
    *, business_name: str = "", owner: User | None = None, **fields
) -> MerchantAccount:
    """A merchant account created by the real service; ``merchant.owner`` is its owner user."""
    owner = owner or UserFactory()
    merchant = services.merchant_account_create(
        owner=owner, business_name=business_name or f"Merchant {next(_seq)}", **fields
    )
    merchant.owner = owner
    return merchant


def make_member(
    *,
    merchant: MerchantAccount,
    role: str = MemberRole.STAFF,
    permissions=(),
    user: User | None = None,
) -> User:
    """A member added directly (the invitation flow has its own tests)."""
    user = user or UserFactory()
    Membership.objects.create(
        merchant=merchant, user=user, role=role, permissions=sorted(set(permissions))
    )
    return user


def make_staff(*, merchant: MerchantAccount, permissions=()) -> User:
    return make_member(merchant=merchant, role=MemberRole.STAFF, permissions=permissions)


def make_operator(*, role: str, email: str | None = None) -> User:
    user = services.operator_create(
        email=email or f"op{next(_seq)}-{role}@dropyard.test",
        role=role,
        actor=None,
        password=PASSWORD,
    )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user
