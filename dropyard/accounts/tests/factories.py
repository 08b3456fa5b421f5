"""Test data for accounts. Multi-model setup goes through the real services."""

import itertools

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from dropyard.accounts import services
from dropyard.accounts.choices import MemberRole
from dropyard.accounts.models import Membership, MerchantAccount, SupplierApplication, User

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-9"
# The smallest files that pass the document check's magic-byte test.
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 16


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
        services.email_mark_verified(user=obj)


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
    services.email_mark_verified(user=user)
    return user


# --- Supplier applications --------------------------------------------------------------------


def pdf_upload(name: str = "licence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF)


def png_upload(name: str = "id.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG)


def application_data(**overrides) -> dict:
    """A complete supplier application, as the apply form posts it (new uploads on each call)."""
    return {
        "company_name": "Good Factory Co",
        "country": "CN",
        "address": "1 Industrial Road, Shenzhen",
        "contact_phone": "+86 755 1234 5678",
        "legal_representative": "Li Wei",
        "website": "https://goodfactory.example",
        "product_categories": "kitchenware",
        "business_licence": pdf_upload(),
        "legal_rep_id": png_upload(),
        **overrides,
    }


def make_application(*, applicant: User | None = None, **overrides) -> SupplierApplication:
    """A pending application submitted through the real service (``application_data`` fields).

    Its documents go to the private storage: use the ``private_root`` fixture.
    """
    return services.supplier_application_submit(
        applicant=applicant or UserFactory(), **application_data(**overrides)
    )


class SupplierApplicationFactory(factory.django.DjangoModelFactory):
    """An application row written directly: document paths without files (lists, counts)."""

    class Meta:
        model = SupplierApplication

    applicant = factory.SubFactory(UserFactory)
    company_name = factory.LazyAttribute(lambda application: f"{application.applicant.email} Co")
    country = "CN"
    address = "1 Road"
    contact_phone = "+86 1"
    legal_representative = "Li"
    business_licence = "supplier/licence/l.pdf"
    legal_rep_id = "supplier/id/i.pdf"
