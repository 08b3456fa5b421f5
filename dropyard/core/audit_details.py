"""An audit event's ``details`` as a reader sees them: labelled lines, not a dict.

The services write ``details`` for machines (the CSV export keeps them as JSON); the audit log
page shows each key as a label ("hold_reason" → "Hold reason") and each value as text:

- an amount (a ``*_minor`` key) in its currency, e.g. "$12.50" (the ``currency`` beside it, or
  of the enclosing details; a plain decimal when none is known);
- an id (an ``*_id`` key) is left out when the same details carry its human code under the
  key without the suffix (``product_id`` beside ``product``);
- a nested dict as "label: value" pairs, a list as its items, True / False as Yes / No, an
  empty value as "—"; long text is cut at ``MAX_CHARS``.

Pure functions: the caller escapes (the table renders them with ``format_html``).
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from .money import format_money

MAX_CHARS = 120
EMPTY = "—"


def details_label(key: str) -> str:
    """ "hold_reason" → "Hold reason", "amount_minor" → "Amount", "messageId" → "Message id"."""
    if key.endswith("_minor"):
        key = key[: -len("_minor")]
    spaced = "".join(f" {c.lower()}" if c.isupper() else c for c in key).replace("_", " ")
    spaced = " ".join(spaced.split())
    return spaced[:1].upper() + spaced[1:] if spaced else key


def _cut(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


def _value(key: str, value: Any, currency: str) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if key.endswith("_minor") and isinstance(value, int):
        return format_money(value, currency)
    if isinstance(value, Mapping):
        inner = _currency(value, currency)
        return ", ".join(f"{label}: {text}" for label, text in _rows(value, inner))
    if isinstance(value, list | tuple):
        return _cut(", ".join(_item(item, currency) for item in value))
    return _cut(str(value))


def _item(item: Any, currency: str) -> str:
    if isinstance(item, Mapping):
        return f"({_value('', item, currency)})"
    return _value("", item, currency)


def _currency(details: Mapping[str, Any], default: str) -> str:
    currency = details.get("currency")
    return currency.upper() if isinstance(currency, str) and len(currency) == 3 else default


def _rows(details: Mapping[str, Any], currency: str) -> list[tuple[str, str]]:
    rows = []
    for key, value in details.items():
        if key == "currency" and any(str(k).endswith("_minor") for k in details):
            continue  # shown in the amounts
        if key.endswith("_id") and details.get(key[: -len("_id")]) not in (None, ""):
            continue  # its human code is in the details too
        rows.append((details_label(str(key)), _value(str(key), value, currency)))
    return rows


def audit_details_rows(details: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(label, text) per key of ``details``, in their order (see the module docstring)."""
    if not details:
        return []
    return _rows(details, _currency(details, ""))
