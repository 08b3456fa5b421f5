import pytest
from django.core import mail
from django.urls import reverse

from dropyard.accounts.tests.factories import make_merchant, make_operator
from dropyard.sourcing import services
from dropyard.sourcing.models import AgentMessage

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


# --- Merchant side ------------------------------------------------------------------------------


def test_messages_without_agent_shows_empty_state(client, owner):
    client.force_login(owner)

    response = client.get(reverse("sourcing:messages"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "No personal agent assigned yet — an operator will assign one" in html
    assert 'data-testid="thread-empty"' in html


def test_messages_shows_agent_and_thread_and_marks_agent_messages_read(
    client, assigned, owner, agent
):
    message = services.message_send(merchant=assigned, sender=agent, body="Welcome aboard")
    client.force_login(owner)

    response = client.get(reverse("sourcing:messages"))

    html = response.content.decode()
    message.refresh_from_db()
    assert agent.email in html
    assert "Welcome aboard" in html
    assert message.read_at is not None


def test_messages_post_without_js_redirects_and_stores(
    client, assigned, owner, agent, django_capture_on_commit_callbacks
):
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sourcing:messages"), {"body": " Need a quote "})

    assert response.status_code == 302
    assert response["Location"] == reverse("sourcing:messages")
    message = AgentMessage.objects.get()
    assert (message.body, message.sender, message.from_agent) == ("Need a quote", owner, False)
    assert [m.to for m in mail.outbox] == [[agent.email]]


def test_messages_post_with_htmx_returns_only_the_new_message(client, assigned, owner):
    client.force_login(owner)

    response = client.post(reverse("sourcing:messages"), {"body": "Via htmx"}, **HTMX)

    html = response.content.decode()
    message = AgentMessage.objects.get()
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "sourcing/partials/_message.html"
    assert f'id="message-{message.pk}"' in html
    assert "msg-mine" in html
    assert "<html" not in html


def test_messages_post_empty_without_js_rerenders_with_error(client, owner):
    client.force_login(owner)

    response = client.post(reverse("sourcing:messages"), {"body": "   "})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert AgentMessage.objects.count() == 0


def test_messages_post_too_long_with_htmx_swaps_form_with_error(client, owner):
    client.force_login(owner)

    response = client.post(reverse("sourcing:messages"), {"body": "x" * 5001}, **HTMX)

    assert response.status_code == 400
    assert response["HX-Retarget"] == "#message-form"
    assert response["HX-Reswap"] == "outerHTML"
    assert "at most 5000 characters" in response.content.decode()
    assert AgentMessage.objects.count() == 0


def test_messages_form_posts_with_htmx_and_plain_form(client, owner):
    client.force_login(owner)

    html = client.get(reverse("sourcing:messages")).content.decode()

    url = reverse("sourcing:messages")
    assert f'method="post" action="{url}"' in html
    assert f'hx-post="{url}"' in html
    assert 'hx-target="#thread"' in html


def test_messages_shows_only_own_merchants_thread(client, merchant, other_merchant):
    services.message_send(merchant=other_merchant, sender=other_merchant.owner, body="Secret")
    client.force_login(merchant.owner)

    response = client.get(reverse("sourcing:messages"))

    assert "Secret" not in response.content.decode()


def test_messages_refuses_operators(client, agent):
    client.force_login(agent)

    assert client.get(reverse("sourcing:messages")).status_code == 403


# --- Back office --------------------------------------------------------------------------------


def test_ops_threads_lists_agents_merchants_with_unread_counts(client, assigned, owner, agent):
    services.message_send(merchant=assigned, sender=owner, body="1")
    services.message_send(merchant=assigned, sender=owner, body="2")
    make_merchant(business_name="Not mine")
    client.force_login(agent)

    response = client.get(reverse("sourcing:ops_threads"))

    html = response.content.decode()
    assert [m.business_name for m in response.context["page"]] == [assigned.business_name]
    assert "2 unread" in html
    assert reverse("sourcing:ops_thread", args=[assigned.pk]) in html


def test_ops_threads_empty_state_for_agent_without_merchants(client, agent):
    client.force_login(agent)

    response = client.get(reverse("sourcing:ops_threads"))

    assert "No merchants are assigned to you yet." in response.content.decode()


def test_ops_threads_htmx_renders_rows_partial(client, agent):
    client.force_login(agent)

    response = client.get(reverse("sourcing:ops_threads"), {"unread": "on"}, **HTMX)

    assert [t.name for t in response.templates][0] == "core/partials/_list_table.html"


@pytest.mark.parametrize("role", ["support", "warehouse", "finance"])
def test_ops_threads_refuses_other_roles(client, role):
    client.force_login(make_operator(role=role))

    assert client.get(reverse("sourcing:ops_threads")).status_code == 403


def test_ops_thread_agent_reads_and_marks_merchant_messages(client, assigned, owner, agent):
    message = services.message_send(merchant=assigned, sender=owner, body="Hello?")
    client.force_login(agent)

    response = client.get(reverse("sourcing:ops_thread", args=[assigned.pk]))

    message.refresh_from_db()
    assert response.status_code == 200
    assert "Hello?" in response.content.decode()
    assert message.read_at is not None


def test_ops_thread_agent_reply_is_from_agent_and_emails_merchant(
    client, assigned, agent, django_capture_on_commit_callbacks
):
    client.force_login(agent)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sourcing:ops_thread", args=[assigned.pk]), {"body": "On it"}, **HTMX
        )

    message = AgentMessage.objects.get()
    assert response.status_code == 200
    assert (message.from_agent, message.sender) == (True, agent)
    assert "msg-mine" in response.content.decode()
    assert [m.to for m in mail.outbox] == [[assigned.contact_email]]


def test_ops_thread_of_another_agents_merchant_is_404(client, assigned, other_merchant, agent):
    client.force_login(agent)

    get = client.get(reverse("sourcing:ops_thread", args=[other_merchant.pk]))
    post = client.post(reverse("sourcing:ops_thread", args=[other_merchant.pk]), {"body": "x"})

    assert (get.status_code, post.status_code) == (404, 404)
    assert AgentMessage.objects.count() == 0


def test_ops_thread_admin_may_open_and_post_to_any(client, merchant, operator_admin):
    client.force_login(operator_admin)

    get = client.get(reverse("sourcing:ops_thread", args=[merchant.pk]))
    post = client.post(reverse("sourcing:ops_thread", args=[merchant.pk]), {"body": "Admin"})

    assert get.status_code == 200
    assert post.status_code == 302
    assert AgentMessage.objects.get().from_agent is True


def test_ops_thread_refuses_merchant_owner(client, merchant, owner):
    client.force_login(owner)

    assert client.get(reverse("sourcing:ops_thread", args=[merchant.pk])).status_code == 403


def test_both_sides_see_the_same_messages(client, assigned, owner, agent):
    services.message_send(merchant=assigned, sender=owner, body="From merchant")
    services.message_send(merchant=assigned, sender=agent, body="From agent")

    client.force_login(owner)
    merchant_html = client.get(reverse("sourcing:messages")).content.decode()
    client.force_login(agent)
    agent_html = client.get(reverse("sourcing:ops_thread", args=[assigned.pk])).content.decode()

    for html in (merchant_html, agent_html):
        assert html.index("From merchant") < html.index("From agent")
