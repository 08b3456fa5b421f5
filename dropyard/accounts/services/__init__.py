"""Accounts services: the only code that writes users, merchants, members, keys, tokens, suppliers.

One module per sub-domain: ``merchants``, ``members`` (and invitations), ``operators``,
``api_keys`` (keys and API tokens), ``suppliers``; ``common`` holds the shared helpers. The
public names are re-exported here, so callers write ``accounts.services.member_invite``.

Each service is keyword-only, atomic, writes its audit event in the same transaction and
schedules side effects (email) on commit.
"""

from .api_keys import (
    apikey_create,
    apikey_creator_check,
    apikey_revoke,
    token_authenticate,
    token_issue,
    token_refresh,
    token_revoke,
)
from .common import clean_areas, clean_markets, clean_store_ids, email_mark_verified, sha256_hex
from .members import (
    INVITATION_DAYS,
    invitation_accept,
    invitation_accept_new_user,
    invitation_get_by_token,
    invitation_revoke,
    member_invite,
    member_remove,
    member_update,
)
from .merchants import (
    PROFILE_FIELDS,
    merchant_account_create,
    merchant_agent_assign,
    merchant_profile_update,
)
from .operators import operator_create, operator_role_set
from .preferences import user_language_set
from .suppliers import (
    supplier_application_approve,
    supplier_application_reject,
    supplier_application_submit,
)

__all__ = [
    "INVITATION_DAYS",
    "PROFILE_FIELDS",
    "apikey_create",
    "apikey_creator_check",
    "apikey_revoke",
    "clean_areas",
    "clean_markets",
    "clean_store_ids",
    "email_mark_verified",
    "invitation_accept",
    "invitation_accept_new_user",
    "invitation_get_by_token",
    "invitation_revoke",
    "member_invite",
    "member_remove",
    "member_update",
    "merchant_account_create",
    "merchant_agent_assign",
    "merchant_profile_update",
    "operator_create",
    "operator_role_set",
    "sha256_hex",
    "supplier_application_approve",
    "supplier_application_reject",
    "supplier_application_submit",
    "token_authenticate",
    "token_issue",
    "token_refresh",
    "token_revoke",
    "user_language_set",
]
