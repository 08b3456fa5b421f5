"""``dropyard store_keys_rotate``: re-encrypt every store's credentials under the first key of
DROPYARD_STORE_KEYS (run after putting a new key first; then drop the old key)."""

from django.core.management.base import BaseCommand, CommandError

from dropyard.core.text import counted
from dropyard.stores.crypto import CredentialsUnreadable
from dropyard.stores.services import store_keys_rotate


class Command(BaseCommand):
    help = "Re-encrypt all store credentials with the newest key of DROPYARD_STORE_KEYS."

    def handle(self, *args, **options):
        try:
            count = store_keys_rotate(actor=None)
        except CredentialsUnreadable as exc:
            raise CommandError(f"{exc}: nothing was changed") from None
        self.stdout.write(f"re-encrypted the credentials of {counted(count, 'store')}")
