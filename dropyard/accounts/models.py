"""Users, merchant accounts (the tenant), members, invitations, API keys and tokens, suppliers."""

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django_stubs_ext import StrOrPromise

from dropyard.core.api_scopes import ALL_SCOPES, ApiScope
from dropyard.core.ids import MAX_EXACT_JSON_INTEGER
from dropyard.core.models import TimeStampedModel

from .choices import (
    ALL_AREAS,
    AccountLevel,
    InvitationStatus,
    MemberRole,
    OperatorRole,
    SupplierApplicationStatus,
)
from .storage import private_storage


class UserManager(BaseUserManager["User"]):
    """Users are identified by email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("operator_role", OperatorRole.ADMIN)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in. Invariant: email is unique and lower-case.

    ``operator_role`` is set only for platform (operator) staff; merchant people and suppliers have
    it blank and reach merchant accounts through ``Membership``.
    """

    # No username or split names: the stubs type these as fields, hence the ignores.
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    operator_role = models.CharField(
        max_length=12, choices=OperatorRole.choices, blank=True, db_index=True
    )
    # The language of the pages this person sees ("" = the site's default, English). The operator
    # back office is translated into Simplified Chinese for warehouse and agent teams.
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, blank=True, default="")

    objects = UserManager()  # type: ignore[assignment,misc]  # ours, not auth's UserManager

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_operator(self) -> bool:
        return bool(self.operator_role)

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


class MerchantAccount(TimeStampedModel):
    """A merchant business: the tenant. Every merchant-owned row belongs to exactly one.

    Invariants: ``account_number`` and ``open_id`` are unique and never change (one exception:
    migration ``accounts.0002`` replaced openIds above 2^53 - 1); ``1 ≤ open_id ≤ 2^53 - 1``;
    exactly one ``Membership`` with role owner exists (a partial unique constraint on Membership).
    """

    account_number = models.CharField(max_length=20, unique=True)
    # The contract's openId: a long integer identifying the account, also the webhook-signing key.
    # Sent as a JSON number, so kept ≤ 2^53 - 1 (exact in a JavaScript double; check below).
    open_id = models.BigIntegerField(unique=True)
    business_name = models.CharField(max_length=200)
    niche = models.CharField(max_length=120, blank=True)
    target_markets = models.JSONField(default=list, blank=True)  # ISO 3166-1 alpha-2 codes
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    level = models.PositiveSmallIntegerField(
        choices=AccountLevel.choices, default=AccountLevel.FREE
    )
    is_sandbox = models.BooleanField(default=False)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agent_merchants",
        limit_choices_to={"operator_role": OperatorRole.AGENT},
    )

    class Meta:
        ordering = ["business_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(open_id__gte=1, open_id__lte=MAX_EXACT_JSON_INTEGER),
                name="merchant_open_id_exact_in_json",
            )
        ]

    def __str__(self) -> str:
        return f"{self.business_name} ({self.account_number})"


class Membership(TimeStampedModel):
    """A person's place in a merchant account: role, permission areas and store scope.

    Invariants: one membership per (merchant, user); one owner per merchant. Owner and admins have
    every area; staff have exactly ``permissions``. ``store_ids`` empty means every store.
    """

    merchant = models.ForeignKey(MerchantAccount, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=MemberRole.choices, default=MemberRole.STAFF)
    permissions = models.JSONField(default=list, blank=True)
    store_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["merchant", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "user"], name="membership_unique_user"),
            models.UniqueConstraint(
                fields=["merchant"],
                condition=models.Q(role="owner"),
                name="membership_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.merchant} ({self.role})"

    @property
    def is_manager(self) -> bool:
        return self.role in {MemberRole.OWNER, MemberRole.ADMIN}

    @property
    def areas(self) -> frozenset[str]:
        if self.is_manager:
            return ALL_AREAS
        return frozenset(self.permissions) & ALL_AREAS

    def has_area(self, area: str) -> bool:
        return area in self.areas

    def can_access_store(self, store_id: int) -> bool:
        return self.is_manager or not self.store_ids or store_id in self.store_ids

    @property
    def store_scope(self) -> frozenset[int] | None:
        """The stores this member may open: None for every store (owners, admins, staff with
        no store limit), else the pks in ``store_ids``."""
        if self.is_manager or not self.store_ids:
            return None
        return frozenset(int(pk) for pk in self.store_ids)


class Invitation(TimeStampedModel):
    """An emailed invitation to join a merchant account with a role and permissions.

    Invariants: the token is stored only as a SHA-256 hash; at most one pending invitation per
    (merchant, email); an invitation is accepted at most once and never after ``expires_at``.
    """

    merchant = models.ForeignKey(
        MerchantAccount, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=MemberRole.choices, default=MemberRole.STAFF)
    permissions = models.JSONField(default=list, blank=True)
    store_ids = models.JSONField(default=list, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "email"],
                condition=models.Q(status="pending"),
                name="invitation_one_pending_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation {self.email} → {self.merchant} ({self.status})"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class ApiKey(TimeStampedModel):
    """A developer API key of a merchant account, format ``<accountNumber>@api@<32 hex>``.

    Invariants: only the SHA-256 hash of the key is stored (the key is shown once at creation);
    a revoked key never authenticates again; ``scopes`` is a non-empty list of
    ``core.api_scopes.ApiScope`` values fixed at creation, and every token issued from the key
    may call only the operations those scopes cover.
    """

    merchant = models.ForeignKey(MerchantAccount, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    scopes = models.JSONField(default=list)
    key_hash = models.CharField(max_length=64, unique=True)
    key_hint = models.CharField(max_length=8)  # last characters, to tell keys apart
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} (…{self.key_hint})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def has_every_scope(self) -> bool:
        return set(ALL_SCOPES) <= set(self.scopes)

    @property
    def scope_labels(self) -> list[StrOrPromise]:
        """The key's scopes as labels, in ``ApiScope`` order."""
        return [label for value, label in ApiScope.choices if value in self.scopes]


class ApiToken(TimeStampedModel):
    """An access/refresh token pair issued by ``authentication/getAccessToken``.

    Invariants: both tokens stored only as SHA-256 hashes; access valid until
    ``access_expires_at``, refresh until ``refresh_expires_at``; once ``revoked_at`` is set
    neither authenticates. Refreshing rotates the access token in place.
    """

    merchant = models.ForeignKey(
        MerchantAccount, on_delete=models.CASCADE, related_name="api_tokens"
    )
    api_key = models.ForeignKey(
        ApiKey, null=True, blank=True, on_delete=models.CASCADE, related_name="tokens"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    access_hash = models.CharField(max_length=64, unique=True)
    refresh_hash = models.CharField(max_length=64, unique=True)
    access_expires_at = models.DateTimeField()
    refresh_expires_at = models.DateTimeField()
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    refresh_count_window = models.BigIntegerField(default=0)
    refresh_count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"token {self.pk} for {self.merchant_id}"


class SupplierApplication(TimeStampedModel):
    """A factory's application to become a supplier, with licence and ID documents.

    Invariants: at most one pending application per applicant; once reviewed it is immutable and
    records reviewer, time and (for rejections) the reason. Documents live in private storage.
    """

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supplier_applications"
    )
    company_name = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    address = models.CharField(max_length=300)
    contact_phone = models.CharField(max_length=40)
    legal_representative = models.CharField(max_length=150)
    website = models.URLField(blank=True)
    product_categories = models.CharField(max_length=300, blank=True)
    business_licence = models.FileField(storage=private_storage, upload_to="supplier/licence/")
    legal_rep_id = models.FileField(storage=private_storage, upload_to="supplier/id/")
    status = models.CharField(
        max_length=10,
        choices=SupplierApplicationStatus.choices,
        default=SupplierApplicationStatus.PENDING,
        db_index=True,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant"],
                condition=models.Q(status="pending"),
                name="supplier_application_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.status})"


class Supplier(TimeStampedModel):
    """An approved supplier (factory). Products may belong to one (catalog issue).

    Invariant: created only by approving a ``SupplierApplication``; one per user.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supplier"
    )
    application = models.OneToOneField(
        SupplierApplication, on_delete=models.PROTECT, related_name="supplier"
    )
    company_name = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["company_name", "pk"]

    def __str__(self) -> str:
        return self.company_name


class Notification(models.Model):
    """An in-app notice for one person (the bell), e.g. a reply on a dispute or a ticket.

    ``title`` and ``body`` are English message ids with ``%(name)s`` placeholders filled from
    ``params`` when shown, so each reader sees them in their own language
    (``notifications.notification_text``). Invariant: ``read_at`` is set once, when the
    person opens the notice or marks all read; never cleared.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    merchant = models.ForeignKey(
        MerchantAccount, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40)  # "dispute.reply", "ticket.decided", …
    title = models.CharField(max_length=200)
    body = models.CharField(max_length=500, blank=True)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)  # a path on this site
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.user_id}"
