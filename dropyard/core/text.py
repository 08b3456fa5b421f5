"""Printable text for names, addresses and free text: what may reach a label, a packing slip, a
store or another person's screen.

``clean_line(value)`` (one line) is applied by the services that store shipping addresses and
customer names (``orders.address.address_clean``: order creation from the API, the web UI, CSV
import and store sync, and address changes), product names (``catalog.services``), store names
(``stores.services.setup``), listing titles (``stores.services.listing``) and business names and
contacts (``accounts.services.merchants``, ``accounts.services.suppliers``).
``clean_text(value)`` (several lines) is applied to order remarks
(``orders.services.validation``), product descriptions (``catalog.services.description_sanitise``),
listing descriptions (``stores.services.listing``) and mirrored store-product descriptions
(``stores.services.mirror``). Both are called in the services, so every path that writes one of
these fields (API, web UI, CSV, store sync) gets it; ``has_control`` tells identifiers (refused
rather than changed) apart.

What ``clean_line`` does:

- C0 and C1 control characters (ESC, BEL, NUL, U+0080–U+009F …) and DEL are removed; tab,
  newline, carriage return and the other line/paragraph separators become one space (in a
  one-line field they only ever separate words). A terminal or printer escape sequence typed or
  pasted into an address has no printable meaning.
- The bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are
  removed: U+202E (RIGHT-TO-LEFT OVERRIDE) makes ``"Main St 12"`` print as something else on a
  label. The bidi *marks* (LRM U+200E, RLM U+200F, ALM U+061C) stay: they only nudge neutral
  characters in mixed Arabic/Hebrew and Latin text and cannot reorder a whole string.
- Runs of spaces collapse to one and the ends are trimmed.

``clean_text`` removes the same characters but keeps the line breaks: CR LF, CR and the Unicode
line/paragraph separators become LF; other whitespace controls (tab, VT, FF …) become a space;
spaces are not collapsed (a remark's indentation or a description's HTML is the writer's), and
the ends are trimmed.

Strip or refuse, per field:

- **Strip**: shipping address fields, customer name, phone, e-mail, tax and consignee ids
  (``orders.address``). They arrive mostly from shoppers through store sync and CSV files,
  where a refusal would hold up a paid order for a character nobody can see; what is left is
  exactly the visible text.
- **Strip**: product names, variant option names and values (``catalog.services``), store
  names (``stores.services.setup``), listing titles, business and company names. They print on
  packing slips, lists and e-mails; one name looks the same wherever it is shown.
- **Strip**: order remarks and product, listing and store-product descriptions. Free text read
  by warehouse staff and shoppers; an invisible character is never what the writer meant, and
  refusing a synced description would stop a store's catalog for it.
- **Refuse** (1603000): the order number (``orders.services.validation``), an identifier
  clients look orders up by and the duplicate check keys on: silently changing it would make
  two numbers one.
- **Refuse** (1600300 / the 400 page): NUL bytes and invalid Unicode anywhere in a request, at
  the input boundary (``core.boundary``), before any of this runs.
"""

import re
import unicodedata

from django.utils.translation import ngettext

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SPACES = re.compile(r"\s+")


def has_control(value: str) -> bool:
    """Whether ``value`` holds a character ``clean_line`` would remove (a control character
    other than whitespace, or a bidi embedding/override/isolate): for identifiers, which are
    refused rather than changed."""
    return any(_is_removed(ch) for ch in value)


def _is_removed(ch: str) -> bool:
    return ch in BIDI_CONTROLS or (unicodedata.category(ch) == "Cc" and not ch.isspace())


def clean_line(value: object) -> str:
    """``value`` as printable one-line text (see the module doc); None becomes ``""``.

    Invariant: the result has no control character (Unicode category Cc), no bidi embedding,
    override or isolate, no leading/trailing whitespace and no run of two whitespace characters.
    """
    if value is None:
        return ""
    text = "".join(ch for ch in str(value) if not _is_removed(ch))
    return _SPACES.sub(" ", text).strip()


_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85]")


def clean_text(value: object) -> str:
    """``value`` as printable text of several lines (see the module doc); None becomes ``""``.

    Invariant: the result has no control character (Unicode category Cc) but LF, no bidi
    embedding, override or isolate, and no leading/trailing whitespace.
    """
    if value is None:
        return ""
    text = _LINE_BREAKS.sub("\n", str(value))
    kept = (
        " " if ch != "\n" and ch.isspace() and unicodedata.category(ch) == "Cc" else ch
        for ch in text
        if ch == "\n" or ch.isspace() or not _is_removed(ch)
    )
    return "".join(kept).strip()


def counted(count: int, singular: str, plural: str = "") -> str:
    """``count`` and the noun in the number it takes: "1 parcel", "2 parcels" (never
    "parcel(s)"). ``plural`` defaults to ``singular`` + "s"; the choice goes through Django's
    ``ngettext`` so a translation picks its own plural forms."""
    return f"{count} {ngettext(singular, plural or f'{singular}s', count)}"


# What a spreadsheet reads as the start of a formula (and tab / carriage return, which some
# spreadsheets strip before looking).
_FORMULA_START = frozenset("=+-@\t\r")


def formula_safe(value: object) -> str:
    """A CSV cell that no spreadsheet runs as a formula (CSV injection): text starting with
    = + - @ (or tab / carriage return) gets a leading quote; None becomes "". The one guard of
    every CSV the platform writes (audit export, order export and import errors, wallet
    statements, list exports)."""
    text = "" if value is None else str(value)
    if text[:1] in _FORMULA_START:
        return "'" + text
    return text
