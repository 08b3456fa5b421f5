"""The permission backend that lets operator admins use the Django admin.

Operator staff are not Django superusers and hold no model permissions, so the Django admin
answered "You don't have permission to view or edit anything" to the admin role. Operator
admins (``operator_role`` admin, active, ``is_staff``: set together by
``accounts.services.operator_create`` / ``operator_role_set``) hold every model permission here,
as a superuser would; the stateful models' admins stay view-only whatever the permissions
(``core.admin.ReadOnlyAdmin``), so writes still go through the services. Other roles and
merchant users get nothing from this backend.
"""

from typing import Any

from django.contrib.auth.backends import BaseBackend

from .choices import OperatorRole


def is_operator_admin(user: Any) -> bool:
    """An active operator admin with Django admin access."""
    return bool(
        getattr(user, "is_active", False)
        and getattr(user, "is_staff", False)
        and getattr(user, "operator_role", "") == OperatorRole.ADMIN
    )


class OperatorAdminBackend(BaseBackend):
    """Grants operator admins every model permission; authenticates nobody."""

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return is_operator_admin(user_obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return is_operator_admin(user_obj)
