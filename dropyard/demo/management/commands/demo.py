"""``dropyard demo``: migrate, load the demo data (idempotent) and print the demo logins."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.urls import reverse

from dropyard.demo.loader import DEMO_PASSWORD, DemoResult, demo_load


class Command(BaseCommand):
    help = (
        "Apply migrations, then load the demo operators, merchant, team, messages, supplier "
        "application and API key. Safe to run again: existing demo data is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-migrate",
            action="store_false",
            dest="migrate",
            help="Do not run migrations first (the database must already be migrated).",
        )

    def handle(self, *args, migrate: bool, verbosity: int, **options) -> None:
        if migrate:
            call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        result = demo_load()
        self._report(result)

    def _report(self, result: DemoResult) -> None:
        write = self.stdout.write
        if result.created:
            write(self.style.SUCCESS(f"Demo data loaded: {len(result.created)} things created."))
            for line in result.created:
                write(f"  + {line}")
        else:
            write(self.style.SUCCESS("Demo data already loaded; nothing new was created."))
        write("")
        write(f"Demo logins (every password: {DEMO_PASSWORD})")
        width = max(len(login.label) for login in result.logins)
        email_width = max(len(login.email) for login in result.logins)
        for login in result.logins:
            write(f"  {login.label:<{width}}  {login.email:<{email_width}}  {login.note}")
        write("")
        merchant = result.merchant
        if result.api_key:
            write(f"API key of {merchant.business_name} ({merchant.account_number}):")
            write(f"  {result.api_key}")
        else:
            write(self.style.WARNING(result.api_key_note))
        write("")
        write(f"Log in at {settings.SITE_URL}{reverse('account_login')}")
