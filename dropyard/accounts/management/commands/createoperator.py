"""``dropyard createoperator EMAIL --role ROLE``: create operator staff (or change their role)."""

import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from dropyard.accounts import services
from dropyard.accounts.choices import OperatorRole
from dropyard.accounts.models import User
from dropyard.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create operator staff with a role (admin, agent, warehouse, finance, support), or give "
        "an existing operator a new role. A new account gets a generated password, printed once, "
        "unless --password or --no-password is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--role", required=True, help=f"One of: {', '.join(OperatorRole.values)}."
        )
        parser.add_argument("--name", default="", help="Full name shown in the back office.")
        password = parser.add_mutually_exclusive_group()
        password.add_argument(
            "--password",
            help="Set this password (visible in your shell history: prefer the generated one).",
        )
        password.add_argument(
            "--no-password",
            action="store_true",
            help="No usable password: the person sets one with 'Forgot password' on the login "
            "page (needs working email, see docs/configuration.md).",
        )

    def handle(self, *args, email: str, role: str, name: str, **options) -> None:
        if role not in OperatorRole.values:
            raise CommandError(
                f"Unknown role {role!r}. Choose one of: {', '.join(OperatorRole.values)}."
            )
        email = User.objects.normalize_email(email.strip()).lower()
        existing = User.objects.filter(email=email).first()
        password = options["password"]
        generated = False
        if password:
            try:
                validate_password(password, user=existing)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        elif existing is None and not options["no_password"]:
            password = secrets.token_urlsafe(12)
            generated = True

        try:
            with transaction.atomic():
                user = services.operator_create(
                    email=email, role=role, actor=None, full_name=name, password=password
                )
                # The address comes from whoever runs the server; no confirmation email needed.
                services.email_mark_verified(user=user)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

        if existing is None:
            self.stdout.write(self.style.SUCCESS(f"Created operator {user.email} (role: {role})."))
        elif existing.operator_role:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Updated operator {user.email}: role {existing.operator_role} → {role}."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"{user.email} is now operator staff ({role})."))
        if generated:
            self.stdout.write(f"Password: {password}")
            self.stdout.write("It is shown only this once; change it after the first login.")
        elif password:
            self.stdout.write("Password set.")
        elif existing is None:
            self.stdout.write(
                "No password set: use 'Forgot password' on the login page to choose one."
            )
        self.stdout.write(f"Log in at {settings.SITE_URL}{reverse('account_login')}")
