"""Cross-app pages: the merchant home and the operator back-office home."""

from django.shortcuts import redirect, render

from dropyard.core.access import login_view, merchant_view, operator_view


@login_view
def root(request):
    """Send each person to the home of their role."""
    if request.user.operator_role:
        return redirect("dashboard:ops_home")
    if request.membership:
        return redirect("dashboard:home")
    return redirect("supplier:apply")


@merchant_view()
def home(request):
    return render(request, "dashboard/home.html", {"merchant": request.merchant})


@operator_view(roles={"agent", "warehouse", "finance", "support"})
def ops_home(request):
    return render(request, "dashboard/ops_home.html", {})
