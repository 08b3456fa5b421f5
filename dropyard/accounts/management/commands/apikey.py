"""``dropyard apikey EMAIL``: create a developer API key for that user's merchant account.

The user must be the account's owner or an admin. The key gets every scope unless ``--scopes``
names some (``read,orders``; see ``core.api_scopes``). The key alone goes to standard output
(``KEY=$(dropyard apikey owner@example.com)`` works); everything else goes to standard error.
"""

from django.core.management.base import BaseCommand, CommandError

from dropyard.accounts import services
from dropyard.accounts.models import Membership, User
from dropyard.core.api_scopes import ALL_SCOPES
from dropyard.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create a developer API key for the merchant account of the user with this email and "
        "print it. The key is shown only this once."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="CLI key", help="Name shown in the key list.")
        parser.add_argument(
            "--merchant",
            metavar="ACCOUNT_NUMBER",
            help="The merchant account (e.g. DY12345678), when the user belongs to several.",
        )
        parser.add_argument(
            "--scopes",
            metavar="SCOPE,…",
            help=f"Comma-separated scopes ({', '.join(ALL_SCOPES)}); default: all of them.",
        )

    def handle(
        self, *args, email: str, name: str, merchant: str | None, scopes: str | None, **options
    ) -> None:
        membership = _membership_for(email.strip().lower(), merchant)
        chosen = None if scopes is None else [s for s in scopes.split(",") if s.strip()]
        try:
            api_key, plaintext = services.apikey_create(
                merchant=membership.merchant, actor=membership.user, name=name, scopes=chosen
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        account = membership.merchant
        self.stderr.write(
            f"Created API key {api_key.name!r} for {account.business_name} "
            f"({account.account_number}) with scopes {', '.join(api_key.scopes)}. "
            "It is shown only this once:"
        )
        self.stdout.write(plaintext)


def _membership_for(email: str, account_number: str | None) -> Membership:
    user = User.objects.filter(email=email).first()
    if user is None:
        raise CommandError(f"No user with email {email}.")
    memberships = list(
        Membership.objects.select_related("merchant", "user")
        .filter(user=user)
        .order_by("created_at", "pk")
    )
    if account_number:
        memberships = [m for m in memberships if m.merchant.account_number == account_number]
    if not memberships:
        where = f"merchant account {account_number}" if account_number else "any merchant account"
        raise CommandError(f"{email} is not a member of {where}.")
    if len(memberships) > 1:
        numbers = ", ".join(m.merchant.account_number for m in memberships)
        raise CommandError(
            f"{email} belongs to several merchant accounts ({numbers}); choose one with --merchant."
        )
    membership = memberships[0]
    if not membership.is_manager:
        number = membership.merchant.account_number
        raise CommandError(
            f"{email} is staff in {number}; only the account owner or an admin can create "
            "API keys. Use the owner's email."
        )
    return membership
