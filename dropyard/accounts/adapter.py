"""allauth adapter: send people where their role works."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    """Operators land in the back office, suppliers-to-be on their application, merchants home."""

    def get_login_redirect_url(self, request):
        user = request.user
        if user.is_authenticated and user.operator_role:
            return reverse("dashboard:ops_home")
        if user.is_authenticated and not user.memberships.exists():
            return reverse("supplier:apply")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return self.get_login_redirect_url(request)
