"""Sourcing vocabularies: request statuses and their transitions, source platforms, channels."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SourcingStatus(models.TextChoices):
    """Where a sourcing request stands. PUBLISHED, FAILED and CANCELLED are final."""

    SUBMITTED = "SUBMITTED", _("Submitted")
    CLAIMED = "CLAIMED", pgettext_lazy("sourcing request", "Claimed by the agent")
    QUOTED = "QUOTED", pgettext_lazy("sourcing request", "Quoted")
    PUBLISHED = "PUBLISHED", pgettext_lazy("sourcing request", "Product published")
    FAILED = "FAILED", pgettext_lazy("sourcing request", "Failed")
    CANCELLED = "CANCELLED", pgettext_lazy("sourcing request", "Cancelled")


S = SourcingStatus

# The one table of allowed changes (``services.sourcing_transition`` enforces it). The merchant
# may withdraw a request until it is published; an agent may fail it at any open stage and
# re-quote a quoted one (a quote added to a QUOTED request keeps it QUOTED: no transition).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.CLAIMED, S.FAILED, S.CANCELLED}),
    S.CLAIMED: frozenset({S.QUOTED, S.PUBLISHED, S.FAILED, S.CANCELLED}),
    S.QUOTED: frozenset({S.PUBLISHED, S.FAILED, S.CANCELLED}),
    S.PUBLISHED: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
}
OPEN_STATUSES = frozenset({S.SUBMITTED, S.CLAIMED, S.QUOTED})
FINAL_STATUSES = frozenset({S.PUBLISHED, S.FAILED, S.CANCELLED})

# The API's numeric ``sourceStatus`` (the contract names the field but not its values; ours,
# documented in docs/api-sourcing.md) and ``sourceStatusStr``.
SOURCE_STATUS_CODE: dict[str, int] = {
    S.SUBMITTED: 1,
    S.CLAIMED: 2,
    S.QUOTED: 3,
    S.PUBLISHED: 4,
    S.FAILED: 5,
    S.CANCELLED: 6,
}


class SourcePlatform(models.TextChoices):
    """The shop a request's product URL points at (recognised from the host), or none."""

    ALIBABA_1688 = "1688", _("1688")
    TAOBAO = "taobao", _("Taobao")
    TMALL = "tmall", _("Tmall")
    ALIEXPRESS = "aliexpress", _("AliExpress")
    ALIBABA = "alibaba", _("Alibaba")
    AMAZON = "amazon", _("Amazon")
    OTHER = "other", _("Other shop")
    NONE = "none", _("No link (image and description)")


class SourcingChannel(models.TextChoices):
    """How a request arrived."""

    WEB = "web", _("Web")
    API = "api", _("API")
    EXTENSION = "extension", _("Browser extension")


class AuthorityEventKind(models.TextChoices):
    """Why a merchant's sourcing authority score moved (rules in ``authority.RULES``)."""

    SOLD = "sold", _("A sourced product sold")
    FAILED = "failed", _("Request failed")
    ABANDONED = "abandoned", _("Request abandoned")
    DUPLICATE = "duplicate", _("Duplicate request")
    ADJUSTED = "adjusted", _("Adjusted by an operator")


class NegotiationStatus(models.TextChoices):
    """A price negotiation: asked by the merchant, then answered or declined by the agent."""

    OPEN = "OPEN", pgettext_lazy("price negotiation", "Waiting for the agent")
    ANSWERED = "ANSWERED", pgettext_lazy("price negotiation", "New price given")
    DECLINED = "DECLINED", pgettext_lazy("price negotiation", "Declined")
    WITHDRAWN = "WITHDRAWN", pgettext_lazy("price negotiation", "Withdrawn")
