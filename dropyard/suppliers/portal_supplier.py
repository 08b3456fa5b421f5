"""Who the supplier is on a portal page (a stand-in until ``core.access`` has a supplier kind).

The portal's views are ``login_view``s that call ``request_supplier`` first: a user without an
active approved supplier gets 403. When the supplier access kind lands, these views switch to it
and this module goes away.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _

from dropyard.accounts.models import Supplier
from dropyard.core.errors import PermissionDenied


def request_supplier(request: HttpRequest) -> Supplier:
    """The logged-in user's active supplier; ``PermissionDenied`` (403) otherwise."""
    supplier = Supplier.objects.filter(user_id=request.user.pk, is_active=True).first()
    if supplier is None:
        raise PermissionDenied(_("This page is for approved suppliers."))
    return supplier
