import re

import pytest
from django.conf import settings
from django.urls import reverse

from dropyard.accounts import services
from dropyard.accounts.choices import OperatorRole, SupplierApplicationStatus
from dropyard.accounts.models import Supplier, SupplierApplication, User
from dropyard.accounts.testing.views import (
    OPERATOR_ACTORS,
    assert_page_access,
    assert_sent_to_login,
)
from dropyard.accounts.tests.factories import (
    SupplierApplicationFactory,
    UserFactory,
    make_application,
    make_merchant,
    make_operator,
    make_staff,
)
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_root")]


@pytest.fixture
def application(applicant):
    return make_application(applicant=applicant)


# --- Permission matrices ----------------------------------------------------------------------

ACTORS = OPERATOR_ACTORS

# page → roles that get 200 (everyone else logged in gets 403)
PAGES = {
    "supplier_list": {"support", "admin"},
    "supplier_detail": {"support", "admin"},
    "merchants": {"agent", "support", "admin"},
    "merchant_detail": {"agent", "support", "admin"},
    "staff": {"admin"},
    "staff_edit": {"admin"},
}


@pytest.fixture
def actors(owner, agent, operator_admin):
    return {
        "merchant_owner": owner,
        "agent": agent,
        "warehouse": make_operator(role="warehouse"),
        "finance": make_operator(role="finance"),
        "support": make_operator(role="support"),
        "admin": operator_admin,
    }


@pytest.fixture
def page_urls(application, assigned):
    other_operator = make_operator(role="finance", email="target@dropyard.test")
    return {
        "supplier_list": reverse("accounts_ops:supplier_list"),
        "supplier_detail": reverse("accounts_ops:supplier_detail", args=[application.pk]),
        "merchants": reverse("accounts_ops:merchants"),
        "merchant_detail": reverse("accounts_ops:merchant_detail", args=[assigned.pk]),
        "staff": reverse("accounts_ops:staff"),
        "staff_edit": reverse("accounts_ops:staff_edit", args=[other_operator.pk]),
    }


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_login(client, page_urls, page):
    assert_sent_to_login(client, page_urls[page])


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("page", PAGES)
def test_page_permission_matrix(client, actors, page_urls, page, actor):
    assert_page_access(client, actors[actor], page_urls[page], allowed=actor in PAGES[page])


def test_plain_user_without_role_is_refused(client, page_urls):
    client.force_login(UserFactory())

    statuses = {page: client.get(url).status_code for page, url in page_urls.items()}

    assert statuses == dict.fromkeys(PAGES, 403)


# POST endpoint → roles allowed
ACTIONS = {
    "supplier_approve": {"support", "admin"},
    "supplier_reject": {"support", "admin"},
    "merchant_agent": {"admin"},
    "staff_create": {"admin"},
    "staff_role": {"admin"},
    "staff_deactivate": {"admin"},
}


@pytest.mark.parametrize(
    ("action", "actor"),
    [(action, actor) for action in ACTIONS for actor in ACTORS if actor not in ACTIONS[action]],
)
def test_refused_actions_change_nothing(
    client, actors, application, assigned, agent, action, actor, mailoutbox
):
    target = make_operator(role="agent", email="target@dropyard.test")
    requests = {
        "supplier_approve": (reverse("accounts_ops:supplier_approve", args=[application.pk]), {}),
        "supplier_reject": (
            reverse("accounts_ops:supplier_reject", args=[application.pk]),
            {"reason": "No"},
        ),
        "merchant_agent": (
            reverse("accounts_ops:merchant_agent", args=[assigned.pk]),
            {"agent": target.pk},
        ),
        "staff_create": (
            reverse("accounts_ops:staff"),
            {"email": "new@dropyard.test", "full_name": "New", "role": "admin"},
        ),
        "staff_role": (reverse("accounts_ops:staff_edit", args=[target.pk]), {"role": "admin"}),
        "staff_deactivate": (reverse("accounts_ops:staff_deactivate", args=[target.pk]), {}),
    }
    url, data = requests[action]
    client.force_login(actors[actor])
    events_before = AuditEvent.objects.count()
    users_before = User.objects.count()

    response = client.post(url, data)

    assert response.status_code == 403
    application.refresh_from_db()
    assigned.refresh_from_db()
    target.refresh_from_db()
    assert application.status == SupplierApplicationStatus.PENDING
    assert assigned.agent == agent
    assert target.operator_role == OperatorRole.AGENT
    assert User.objects.count() == users_before
    assert AuditEvent.objects.count() == events_before
    assert mailoutbox == []


@pytest.mark.parametrize(
    "url_name",
    ["supplier_approve", "supplier_reject", "merchant_agent", "staff_deactivate"],
)
def test_write_endpoints_refuse_get(client, operator_admin, application, merchant, url_name):
    pk = {"merchant_agent": merchant.pk, "staff_deactivate": operator_admin.pk}.get(
        url_name, application.pk
    )
    client.force_login(operator_admin)

    response = client.get(reverse(f"accounts_ops:{url_name}", args=[pk]))

    assert response.status_code == 405
    application.refresh_from_db()
    assert application.status == SupplierApplicationStatus.PENDING


# --- Supplier queue ---------------------------------------------------------------------------


def _rows(response, testid):
    html = response.content.decode()
    table = re.search(rf'data-testid="{testid}".*?<tbody>(.*?)</tbody>', html, re.S)
    return re.findall(r"<tr[ >]", table.group(1)) if table else []


def test_queue_shows_pending_by_default(client, support, operator_admin):
    pending = make_application(company_name="Pending Plastics")
    approved = make_application(company_name="Approved Apparel")
    rejected = make_application(company_name="Rejected Rubber")
    services.supplier_application_approve(application=approved, actor=operator_admin)
    services.supplier_application_reject(application=rejected, actor=operator_admin, reason="x")
    client.force_login(support)

    response = client.get(reverse("accounts_ops:supplier_list"))

    assert response.status_code == 200
    assert response.context["status"] == "pending"
    assert [a.pk for a in response.context["page_obj"]] == [pending.pk]
    html = response.content.decode()
    assert "Pending Plastics" in html
    assert "Approved Apparel" not in html
    assert 'data-testid="pending-count">1 pending<' in html


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("pending", ["Pending Plastics"]),
        ("approved", ["Approved Apparel"]),
        ("rejected", ["Rejected Rubber"]),
        ("all", ["Rejected Rubber", "Approved Apparel", "Pending Plastics"]),
        ("bogus", ["Pending Plastics"]),
    ],
)
def test_queue_status_tabs(client, support, operator_admin, status, expected):
    make_application(company_name="Pending Plastics")
    approved = make_application(company_name="Approved Apparel")
    rejected = make_application(company_name="Rejected Rubber")
    services.supplier_application_approve(application=approved, actor=operator_admin)
    services.supplier_application_reject(application=rejected, actor=operator_admin, reason="x")
    client.force_login(support)

    response = client.get(reverse("accounts_ops:supplier_list"), {"status": status})

    assert [a.company_name for a in response.context["page_obj"]] == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("plastic", ["Pending Plastics"]),
        ("BUYER@", ["Textile Town"]),
        ("nothing-matches", []),
        ("", ["Textile Town", "Pending Plastics"]),
    ],
)
def test_queue_search_by_company_or_email(client, support, q, expected):
    make_application(company_name="Pending Plastics")
    make_application(applicant=UserFactory(email="buyer@textile.test"), company_name="Textile Town")
    client.force_login(support)

    response = client.get(reverse("accounts_ops:supplier_list"), {"q": q})

    assert [a.company_name for a in response.context["page_obj"]] == expected
    if not expected:
        assert "No applications match “nothing-matches”." in response.content.decode()


def test_queue_unknown_status_keeps_search(client, support):
    make_application(company_name="Pending Plastics")
    make_application(company_name="Textile Town")
    client.force_login(support)

    response = client.get(reverse("accounts_ops:supplier_list"), {"status": "x", "q": "textile"})

    assert response.context["status"] == "pending"
    assert [a.company_name for a in response.context["page_obj"]] == ["Textile Town"]


def test_queue_empty_state(client, support):
    client.force_login(support)

    response = client.get(reverse("accounts_ops:supplier_list"))

    assert 'data-testid="empty-state"' in response.content.decode()
    assert "No applications are waiting for review." in response.content.decode()


def test_queue_paginates_25_per_page(client, support):
    applicants = [UserFactory() for _ in range(27)]
    SupplierApplication.objects.bulk_create(
        SupplierApplicationFactory.build(applicant=user, company_name=f"Factory {i:02}")
        for i, user in enumerate(applicants)
    )
    client.force_login(support)

    first = client.get(reverse("accounts_ops:supplier_list"), {"q": "Factory"})
    second = client.get(reverse("accounts_ops:supplier_list"), {"q": "Factory", "page": 2})

    assert len(first.context["page_obj"]) == 25
    assert len(_rows(first, "supplier-table")) == 25
    assert len(second.context["page_obj"]) == 2
    assert "?q=Factory&amp;page=2" in first.content.decode()
    assert "Page 2 of 2 · 27 in all" in second.content.decode()


def test_queue_htmx_search_returns_only_the_results_partial(client, support):
    make_application(company_name="Pending Plastics")
    client.force_login(support)

    response = client.get(
        reverse("accounts_ops:supplier_list"), {"q": "plast"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Pending Plastics" in html
    assert [t.name for t in response.templates][0] == "core/partials/_list_table.html"
    assert "HX-Request" in response["Vary"]


# --- Supplier review flow ---------------------------------------------------------------------


def test_detail_shows_fields_documents_and_review_actions(client, support, application):
    client.force_login(support)

    response = client.get(reverse("accounts_ops:supplier_detail", args=[application.pk]))

    html = response.content.decode()
    for text in [
        "factory@example.test",
        "Good Factory Co",
        "1 Industrial Road, Shenzhen",
        "+86 755 1234 5678",
        "Li Wei",
        "https://goodfactory.example",
        "kitchenware",
    ]:
        assert text in html
    assert reverse("supplier:document", args=[application.pk, "licence"]) in html
    assert reverse("supplier:document", args=[application.pk, "id"]) in html
    assert f'action="{reverse("accounts_ops:supplier_approve", args=[application.pk])}"' in html
    assert f'action="{reverse("accounts_ops:supplier_reject", args=[application.pk])}"' in html
    assert f"Approve {application.company_name}?" in html  # the confirmation dialog


def test_full_review_flow_approve(
    client, support, application, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(support)
    licence = client.get(reverse("supplier:document", args=[application.pk, "licence"]))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts_ops:supplier_approve", args=[application.pk]), follow=True
        )

    assert licence.status_code == 200
    detail = reverse("accounts_ops:supplier_detail", args=[application.pk])
    assert response.redirect_chain == [(detail, 302)]
    html = response.content.decode()
    assert "Good Factory Co is now an approved supplier." in html
    assert 'data-testid="review-outcome"' in html
    assert f"by {support.email}" in html
    assert "approve-form" not in html
    application.refresh_from_db()
    assert (application.status, application.reviewed_by) == ("approved", support)
    assert Supplier.objects.get().user == application.applicant
    assert [m.to for m in mailoutbox] == [["factory@example.test"]]

    client.force_login(application.applicant)
    assert "You are an approved supplier." in client.get(reverse("supplier:apply")).content.decode()


def test_full_review_flow_reject(
    client, support, application, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(support)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts_ops:supplier_reject", args=[application.pk]),
            {"reason": "The licence photo is unreadable"},
            follow=True,
        )

    html = response.content.decode()
    assert "The application of Good Factory Co was rejected." in html
    assert "The licence photo is unreadable" in html
    application.refresh_from_db()
    assert (application.status, application.rejection_reason) == (
        "rejected",
        "The licence photo is unreadable",
    )
    assert Supplier.objects.count() == 0
    assert len(mailoutbox) == 1

    client.force_login(application.applicant)
    page = client.get(reverse("supplier:apply")).content.decode()
    assert "Reason: The licence photo is unreadable" in page
    assert 'data-testid="supplier-apply-form"' in page


@pytest.mark.parametrize("reason", ["", "    "])
def test_reject_without_reason_shows_error(client, support, application, reason, mailoutbox):
    client.force_login(support)

    response = client.post(
        reverse("accounts_ops:supplier_reject", args=[application.pk]), {"reason": reason}
    )

    assert response.status_code == 400
    assert response.context["reject_form"].errors == {
        "reason": ["A reason is required to reject an application"]
    }
    assert 'data-testid="field-error-reason">A reason is required' in response.content.decode()
    application.refresh_from_db()
    assert application.status == SupplierApplicationStatus.PENDING
    assert AuditEvent.objects.filter(action=AuditAction.SUPPLIER_REJECTED).count() == 0
    assert mailoutbox == []


def test_second_review_shows_error_and_changes_nothing(
    client, support, operator_admin, application
):
    services.supplier_application_reject(application=application, actor=operator_admin, reason="x")
    client.force_login(support)

    response = client.post(
        reverse("accounts_ops:supplier_approve", args=[application.pk]), follow=True
    )

    assert "This application has already been reviewed" in response.content.decode()
    application.refresh_from_db()
    assert (application.status, application.reviewed_by) == ("rejected", operator_admin)
    assert Supplier.objects.count() == 0


def test_operator_cannot_approve_own_application(client, support):
    own = make_application(applicant=support, company_name="Moonlighting Ltd")
    client.force_login(support)

    page = client.get(reverse("accounts_ops:supplier_detail", args=[own.pk]))
    response = client.post(reverse("accounts_ops:supplier_approve", args=[own.pk]), follow=True)

    assert "This is your own application" in page.content.decode()
    assert "approve-form" not in page.content.decode()
    assert "You cannot review your own application" in response.content.decode()
    own.refresh_from_db()
    assert own.status == SupplierApplicationStatus.PENDING
    assert Supplier.objects.count() == 0


def test_unknown_application_is_404(client, support):
    client.force_login(support)

    response = client.get(reverse("accounts_ops:supplier_detail", args=[999999]))

    assert response.status_code == 404


# --- Merchants --------------------------------------------------------------------------------


def test_merchant_list_columns(client, support, merchant, agent, operator_admin):
    make_staff(merchant=merchant, permissions=["orders"])
    services.merchant_agent_assign(merchant=merchant, agent=agent, actor=operator_admin)
    client.force_login(support)

    response = client.get(reverse("accounts_ops:merchants"))

    row = response.context["page_obj"][0]
    assert (row.business_name, row.owner_email, row.member_count, row.agent) == (
        "Acme Drop Co",
        merchant.owner.email,
        2,
        agent,
    )
    html = response.content.decode()
    for text in ["Acme Drop Co", merchant.account_number, merchant.owner.email, "Free"]:
        assert text in html
    assert agent.display_name in html


def test_agent_sees_only_own_merchants(client, agent, assigned, other_merchant):
    client.force_login(agent)

    response = client.get(reverse("accounts_ops:merchants"))
    own = client.get(reverse("accounts_ops:merchant_detail", args=[assigned.pk]))
    others = client.get(reverse("accounts_ops:merchant_detail", args=[other_merchant.pk]))

    assert [m.pk for m in response.context["page_obj"]] == [assigned.pk]
    assert "Other Shop Ltd" not in response.content.decode()
    assert own.status_code == 200
    assert others.status_code == 404


def test_agent_without_merchants_sees_empty_state(client, merchant):
    client.force_login(make_operator(role="agent"))

    response = client.get(reverse("accounts_ops:merchants"))

    assert list(response.context["page_obj"]) == []
    assert "No merchants are assigned to you yet." in response.content.decode()


@pytest.mark.parametrize("who", ["support", "admin"])
def test_support_and_admin_see_every_merchant(client, actors, merchant, other_merchant, who):
    client.force_login(actors[who])

    response = client.get(reverse("accounts_ops:merchants"))

    assert [m.business_name for m in response.context["page_obj"]] == [
        "Acme Drop Co",
        "Other Shop Ltd",
    ]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("acme", ["Acme Drop Co"]),
        ("shop", ["Other Shop Ltd"]),
        ("example.test", ["Acme Drop Co", "Other Shop Ltd"]),
        ("zzz", []),
    ],
)
def test_merchant_search(client, support, merchant, other_merchant, q, expected):
    client.force_login(support)

    response = client.get(reverse("accounts_ops:merchants"), {"q": q})

    assert [m.business_name for m in response.context["page_obj"]] == expected


def test_merchant_search_by_account_number_and_member_email_keeps_counts(client, support, merchant):
    member = make_staff(merchant=merchant, permissions=[])
    make_staff(merchant=merchant, permissions=[])
    client.force_login(support)

    by_number = client.get(reverse("accounts_ops:merchants"), {"q": merchant.account_number})
    by_email = client.get(reverse("accounts_ops:merchants"), {"q": member.email})

    assert [(m.pk, m.member_count) for m in by_number.context["page_obj"]] == [(merchant.pk, 3)]
    assert [(m.pk, m.member_count) for m in by_email.context["page_obj"]] == [(merchant.pk, 3)]


def test_merchant_list_paginates(client, support):
    for i in range(26):
        make_merchant(business_name=f"Shop {i:02}")
    client.force_login(support)

    first = client.get(reverse("accounts_ops:merchants"))
    second = client.get(reverse("accounts_ops:merchants"), {"page": 2})

    assert len(first.context["page_obj"]) == 25
    assert [m.business_name for m in second.context["page_obj"]] == ["Shop 25"]


def test_merchant_htmx_search_returns_partial(client, support, merchant):
    client.force_login(support)

    response = client.get(
        reverse("accounts_ops:merchants"), {"q": "acme"}, headers={"HX-Request": "true"}
    )

    assert "<html" not in response.content.decode()
    assert "Acme Drop Co" in response.content.decode()


def test_merchant_detail_shows_profile_members_and_agent(client, support, assigned, agent):
    staff = make_staff(merchant=assigned, permissions=["orders", "wallet"])
    client.force_login(support)

    response = client.get(reverse("accounts_ops:merchant_detail", args=[assigned.pk]))

    html = response.content.decode()
    assert assigned.account_number in html
    assert assigned.owner.email in html
    assert staff.email in html
    assert ">Orders</span>" in html  # the staff member's areas, by their labels
    assert ">Wallet</span>" in html
    assert [m.user for m in response.context["members"]] == [assigned.owner, staff]
    assert agent.email in html
    assert response.context["agent_form"] is None  # only admins assign agents
    assert 'data-testid="agent-form"' not in html


def test_admin_sees_agent_form_with_active_agents_only(client, operator_admin, merchant, agent):
    inactive = make_operator(role="agent")
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    make_operator(role="support")
    client.force_login(operator_admin)

    response = client.get(reverse("accounts_ops:merchant_detail", args=[merchant.pk]))

    form = response.context["agent_form"]
    assert list(form.fields["agent"].queryset) == [agent]
    assert 'data-testid="agent-form"' in response.content.decode()


def test_admin_assigns_and_clears_agent(client, operator_admin, merchant, agent):
    client.force_login(operator_admin)
    url = reverse("accounts_ops:merchant_agent", args=[merchant.pk])

    assigned = client.post(url, {"agent": agent.pk}, follow=True)
    merchant.refresh_from_db()
    agent_after_assign = merchant.agent
    cleared = client.post(url, {"agent": ""}, follow=True)
    merchant.refresh_from_db()

    assert f"Personal agent set to {agent.email}." in assigned.content.decode()
    assert agent_after_assign == agent
    assert "Personal agent removed." in cleared.content.decode()
    assert merchant.agent is None
    events = AuditEvent.objects.filter(action=AuditAction.AGENT_ASSIGNED).order_by("pk")
    assert [e.details for e in events] == [
        {"from": None, "to": agent.email},
        {"from": agent.email, "to": None},
    ]


def _inactive_agent_pk() -> int:
    inactive = make_operator(role="agent")
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    return inactive.pk


@pytest.mark.parametrize("who", ["support_user", "inactive_agent", "unknown"])
def test_admin_cannot_assign_non_agent(client, operator_admin, merchant, who):
    candidates = {
        "support_user": lambda: make_operator(role="support").pk,
        "inactive_agent": _inactive_agent_pk,
        "unknown": lambda: 999999,
    }
    pk = candidates[who]()
    client.force_login(operator_admin)

    response = client.post(
        reverse("accounts_ops:merchant_agent", args=[merchant.pk]), {"agent": pk}
    )

    assert response.status_code == 400
    assert list(response.context["agent_form"].errors) == ["agent"]
    merchant.refresh_from_db()
    assert merchant.agent is None
    assert AuditEvent.objects.filter(action=AuditAction.AGENT_ASSIGNED).count() == 0


# --- Staff ------------------------------------------------------------------------------------


def test_staff_list_by_role(client, operator_admin, agent):
    support = make_operator(role="support")
    client.force_login(operator_admin)

    everyone = client.get(reverse("accounts_ops:staff"))
    agents_only = client.get(reverse("accounts_ops:staff"), {"role": "agent"})

    assert [u.email for u in everyone.context["page_obj"]] == [
        operator_admin.email,
        agent.email,
        support.email,
    ]
    assert [u.email for u in agents_only.context["page_obj"]] == [agent.email]
    assert 'data-testid="staff-table"' in everyone.content.decode()


def test_create_operator_sends_password_setup_link(
    client, operator_admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(operator_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts_ops:staff"),
            {"email": "New.Ops@Dropyard.test", "full_name": "Nora Ops", "role": "warehouse"},
            follow=True,
        )

    assert response.redirect_chain == [(reverse("accounts_ops:staff"), 302)]
    assert (
        "new.ops@dropyard.test is now warehouse staff. We emailed them a link to set their "
        "password." in response.content.decode()
    )
    user = User.objects.get(email="new.ops@dropyard.test")
    assert (user.full_name, user.operator_role, user.is_staff) == ("Nora Ops", "warehouse", False)
    assert user.has_usable_password() is False
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.ops@dropyard.test"]
    reset = rf"{re.escape(settings.SITE_URL)}(/accounts/password/reset/key/\S+/)"
    link = re.search(reset, mailoutbox[0].body)
    assert link is not None

    client.logout()
    reset_page = client.get(link.group(1))
    assert reset_page.status_code == 302
    assert reset_page["Location"].endswith("-set-password/")
    set_password = client.post(
        reset_page["Location"],
        {"password1": "a-long-new-passphrase-42", "password2": "a-long-new-passphrase-42"},
    )
    assert set_password.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-long-new-passphrase-42") is True
    login = client.post(
        reverse("account_login"),
        {"login": "new.ops@dropyard.test", "password": "a-long-new-passphrase-42"},
    )
    assert login.status_code == 302
    assert login["Location"] == reverse("dashboard:ops_home")
    assert len(mailoutbox) == 1  # no second "confirm your email" round-trip


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"email": "", "full_name": "A", "role": "agent"}, {"email": ["This field is required."]}),
        (
            {"email": "x@dropyard.test", "full_name": "A", "role": "root"},
            {"role": ["Select a valid choice. root is not one of the available choices."]},
        ),
        (
            {"email": "x@dropyard.test", "full_name": "", "role": "agent"},
            {"full_name": ["This field is required."]},
        ),
        (
            {"email": "x@dropyard.test", "full_name": "A", "role": ""},
            {"role": ["This field is required."]},
        ),
        (
            {"email": "not-an-email", "full_name": "A", "role": "agent"},
            {"email": ["Enter a valid email address."]},
        ),
    ],
)
def test_create_operator_form_errors(client, operator_admin, mailoutbox, data, errors):
    users_before = User.objects.count()
    client.force_login(operator_admin)

    response = client.post(reverse("accounts_ops:staff"), data)

    assert response.status_code == 400
    assert response.context["create_form"].errors == errors
    assert User.objects.count() == users_before
    assert mailoutbox == []


def test_create_operator_refuses_merchant_member(client, operator_admin, owner, mailoutbox):
    client.force_login(operator_admin)

    response = client.post(
        reverse("accounts_ops:staff"), {"email": owner.email, "full_name": "X", "role": "agent"}
    )

    assert response.status_code == 400
    assert response.context["create_form"].non_field_errors() == [
        f"{owner.email} belongs to a merchant account and cannot be operator staff"
    ]
    owner.refresh_from_db()
    assert owner.operator_role == ""
    assert mailoutbox == []


def test_admin_cannot_change_own_role_via_create_form(client, operator_admin, mailoutbox):
    client.force_login(operator_admin)

    response = client.post(
        reverse("accounts_ops:staff"),
        {"email": operator_admin.email, "full_name": "Me", "role": "support"},
    )

    assert response.status_code == 400
    assert response.context["create_form"].non_field_errors() == [
        "You cannot change your own operator role"
    ]
    operator_admin.refresh_from_db()
    assert operator_admin.operator_role == OperatorRole.ADMIN
    assert mailoutbox == []


def test_change_role_demoting_agent_unassigns_merchants(client, operator_admin, agent, assigned):
    client.force_login(operator_admin)
    url = reverse("accounts_ops:staff_edit", args=[agent.pk])

    page = client.get(url)
    response = client.post(url, {"role": "support"}, follow=True)

    assert "This agent looks after 1 merchant." in page.content.decode()
    assert f"{agent.email} is now support." in response.content.decode()
    agent.refresh_from_db()
    assigned.refresh_from_db()
    assert agent.operator_role == OperatorRole.SUPPORT
    assert assigned.agent is None


def test_own_role_cannot_be_changed(client, operator_admin):
    client.force_login(operator_admin)
    url = reverse("accounts_ops:staff_edit", args=[operator_admin.pk])

    page = client.get(url)
    response = client.post(url, {"role": "support"})
    deactivate = client.post(
        reverse("accounts_ops:staff_deactivate", args=[operator_admin.pk]), follow=True
    )

    assert 'data-testid="self-notice"' in page.content.decode()
    assert 'data-testid="role-form"' not in page.content.decode()
    assert response.status_code == 400
    assert response.context["role_form"].non_field_errors() == [
        "You cannot change your own operator role"
    ]
    assert "You cannot change your own operator role" in deactivate.content.decode()
    operator_admin.refresh_from_db()
    assert operator_admin.operator_role == OperatorRole.ADMIN
    assert AuditEvent.objects.filter(action=AuditAction.OPERATOR_ROLE_CHANGED).count() == 0


def test_deactivate_operator_after_confirmation(client, operator_admin, agent, assigned):
    client.force_login(operator_admin)

    page = client.get(reverse("accounts_ops:staff_edit", args=[agent.pk]))
    response = client.post(reverse("accounts_ops:staff_deactivate", args=[agent.pk]), follow=True)

    assert f"Deactivate {agent.email}?" in page.content.decode()  # the confirmation dialog
    assert f"{agent.email} no longer has back-office access." in response.content.decode()
    agent.refresh_from_db()
    assigned.refresh_from_db()
    assert agent.operator_role == ""
    assert assigned.agent is None
    assert agent not in response.context["page_obj"]
    client.force_login(agent)
    assert client.get(reverse("accounts_ops:merchants")).status_code == 403


def test_staff_edit_of_non_operator_is_404(client, operator_admin, owner):
    client.force_login(operator_admin)

    response = client.get(reverse("accounts_ops:staff_edit", args=[owner.pk]))

    assert response.status_code == 404


def test_every_back_office_view_is_marked_with_its_access():
    from dropyard.accounts import urls_ops, urls_supplier

    kinds = {
        pattern.name: (
            pattern.callback.dropyard_access.kind,
            pattern.callback.dropyard_access.roles,
        )
        for module in (urls_ops, urls_supplier)
        for pattern in module.urlpatterns
    }

    assert kinds == {
        "supplier_list": ("operator", frozenset({"admin", "support"})),
        "supplier_detail": ("operator", frozenset({"admin", "support"})),
        "supplier_approve": ("operator", frozenset({"admin", "support"})),
        "supplier_reject": ("operator", frozenset({"admin", "support"})),
        "merchants": ("operator", frozenset({"admin", "agent", "support"})),
        "merchant_detail": ("operator", frozenset({"admin", "agent", "support"})),
        "merchant_agent": ("operator", frozenset({"admin"})),
        "staff": ("operator", frozenset({"admin"})),
        "staff_edit": ("operator", frozenset({"admin"})),
        "staff_deactivate": ("operator", frozenset({"admin"})),
        "apply": ("login", frozenset()),
        "document": ("login", frozenset()),
    }


def _member_emails(response) -> list[str]:
    return [member.user.email for member in response.context["members"].object_list]


def test_merchant_detail_lists_its_members_only_sorted_and_paged(
    client, operator_admin, merchant, other_merchant
):
    staff = make_staff(merchant=merchant, permissions=["orders"])
    make_staff(merchant=other_merchant)
    client.force_login(operator_admin)
    url = reverse("accounts_ops:merchant_detail", args=[merchant.pk])

    response = client.get(url)
    up = client.get(url, {"msort": "email"})
    down = client.get(url, {"msort": "-email"})

    html = response.content.decode()
    both = sorted([merchant.owner.email, staff.email])
    assert sorted(_member_emails(response)) == both
    assert _member_emails(up) == both
    assert _member_emails(down) == both[::-1]
    assert html.count('data-testid="member-row"') == 2
    assert "All areas" in html  # the owner
    assert ">Orders</span>" in html  # the staff member's one area
    assert 'data-label="Role"' in html  # phone cards name each cell
    assert "Remove" not in html  # read only: no member buttons in the back office
    assert client.get(url, {"mpage": "x", "msort": "nope"}).status_code == 200


def test_merchant_detail_htmx_sort_answers_the_member_table_only(client, operator_admin, merchant):
    client.force_login(operator_admin)
    url = reverse("accounts_ops:merchant_detail", args=[merchant.pk])

    response = client.get(url, {"msort": "email"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="members")

    html = response.content.decode()
    assert html.count('id="members"') == 1
    assert merchant.owner.email in html
    assert "<html" not in html
