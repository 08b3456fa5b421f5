"""The input boundary: request text and numbers no service or database could store, refused early.

One rule set for the developer API and the web UI (issue 11). A request is refused, before any
view or service sees it, when

- its body is larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (10 MB; multipart uploads to the web UI
  are exempt here: Django counts only their text fields against that limit and file size limits
  are each view's);
- its URL path carries a control character (``%00``, ``%1B`` …: no route has one);
- a query-string parameter or a field of an ``application/x-www-form-urlencoded`` body is not
  valid UTF-8 (lone surrogates included: ``%ED%A0%80``) or contains a NUL; a text field of a
  multipart form contains a NUL (Django already decodes those with replacement characters);
- (API only, in ``core.api``) a JSON body string contains a NUL or a lone surrogate
  (``"\\u0000"``, ``"\\ud800"``), a JSON number is not finite or not a 64-bit integer, or a
  typed integer parameter is outside its declared range (the PostgreSQL ``integer`` range
  unless the field declares its own, ``int_range_problem``).

PostgreSQL refuses NUL in text and lone surrogates cannot be encoded, so without this each of
those reached a lookup or an insert and answered 500 ("system busy", which CJ clients retry).

How a refusal looks: under ``/api2.0/`` an error envelope, code 1600300 naming the parameter
(``"pageNum: contains a NUL character"``; an oversized body: ``"body: larger than the 10485760
byte limit"``, also 1600300), HTTP 200 like every refusal the contract describes; elsewhere the
400 page (``templates/400.html``) with the same sentence. This module finds the fault;
``core.middleware.InputBoundaryMiddleware`` answers.

Text that is storable but must not reach a packing slip (control and bidirectional characters in
names and addresses) is the services' business: ``core.text``.
"""

import math
import typing
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast
from urllib.parse import unquote_to_bytes

import annotated_types
from django.conf import settings
from django.http import HttpRequest
from pydantic import BaseModel
from pydantic.fields import FieldInfo

API_PATH_PREFIX = "/api2.0/"
NUL_PROBLEM = "contains a NUL character"
SURROGATE_PROBLEM = "contains an unpaired surrogate (not valid Unicode)"
UTF8_PROBLEM = "is not valid UTF-8"
NAME_SHOWN_MAX = 60  # a parameter name quoted in a refusal is cut to this many characters

# The PostgreSQL ``integer`` column range: the default bound of an API integer parameter.
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
# No column holds more than a ``bigint``: the bound of any JSON integer, whatever its field.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# The last second a ``datetime`` holds (9999-12-31T23:59:59Z): the bound of a unix-time field.
EPOCH_SECONDS_MAX = 253402300799


class InputRefused(Exception):
    """A request input the boundary refuses: ``name`` is the parameter, ``problem`` why."""

    def __init__(self, name: str, problem: str):
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem

    @property
    def message(self) -> str:
        return f"{self.name}: {self.problem}"


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (NUL, lone surrogate), or None."""
    if "\x00" in value:
        return NUL_PROBLEM
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_PROBLEM
    return None


def shown_name(name: str) -> str:
    """A parameter name fit to quote back: printable, at most ``NAME_SHOWN_MAX`` characters."""
    printable = "".join(ch if ch.isprintable() else "?" for ch in name)
    return printable[:NAME_SHOWN_MAX] or "(unnamed)"


def json_problems(value: Any, path: str = "") -> Iterator[InputRefused]:
    """Each string (key or value) and number in a parsed JSON document that the boundary
    refuses, with its path in the API's parameter notation (``products[0].vid``)."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            yield InputRefused(shown_name(path or "body"), problem)
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            yield InputRefused(shown_name(path or "body"), "is outside the 64-bit integer range")
    elif isinstance(value, float):
        if not math.isfinite(value):
            yield InputRefused(shown_name(path or "body"), "is not a finite number")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            key_text = str(key)
            problem = text_problem(key_text)
            child = f"{path}.{key_text}" if path else key_text
            if problem:
                yield InputRefused(shown_name(child), f"the name {problem}")
                continue
            yield from json_problems(item, child)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from json_problems(item, f"{path}[{index}]")


def int_range_problem(value: int, low: int | None, high: int | None) -> str | None:
    """Why ``value`` is out of ``[low, high]`` (the PostgreSQL integer range when a bound is
    None), or None."""
    low = INT32_MIN if low is None else low
    high = INT32_MAX if high is None else high
    if low <= value <= high:
        return None
    return f"must be between {low} and {high}"


def _type_args(annotation: Any) -> Iterator[Any]:
    args = typing.get_args(annotation)
    if not args:
        yield annotation
    for arg in args:
        yield from _type_args(arg)


def _declared_bounds(field: FieldInfo) -> tuple[int | None, int | None]:
    """The ``ge``/``gt``/``le``/``lt`` bounds a field declares (None where it declares none).

    A field that also takes text or decimals (``str | int``: a platform's numeric ids, amounts)
    is not an integer column: its default is the 64-bit range, not the ``integer`` one.
    """
    low = high = None
    if any(arg in (str, float) for arg in _type_args(field.annotation)):
        low, high = INT64_MIN, INT64_MAX
    for item in field.metadata:  # bounds may be decimals: the integers inside them count
        if isinstance(item, annotated_types.Ge):
            low = math.ceil(cast(Any, item.ge))
        elif isinstance(item, annotated_types.Gt):
            low = math.floor(cast(Any, item.gt)) + 1
        elif isinstance(item, annotated_types.Le):
            high = math.floor(cast(Any, item.le))
        elif isinstance(item, annotated_types.Lt):
            high = math.ceil(cast(Any, item.lt)) - 1
    return low, high


def _int_value_problems(value: Any, field: FieldInfo, name: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        problem = int_range_problem(value, *_declared_bounds(field))
        if problem:
            yield name, problem
    elif isinstance(value, BaseModel):
        yield from _model_int_problems(value, prefix=name)
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            yield from _int_value_problems(item, field, f"{name}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _int_value_problems(item, field, f"{name}.{key}" if name else str(key))


def _model_int_problems(model: BaseModel, *, prefix: str = "") -> Iterator[tuple[str, str]]:
    for field_name, field in type(model).model_fields.items():
        wire = field.alias or field_name
        yield from _int_value_problems(
            getattr(model, field_name, None), field, f"{prefix}.{wire}" if prefix else wire
        )


def int_range_problem_in(
    models: Iterable[type[BaseModel]], values: Mapping[str, Any]
) -> InputRefused | None:
    """The first integer an API operation received outside its field's declared ``ge``/``le``
    range, or outside the PostgreSQL ``integer`` range where the field declares none
    (``int_range_problem``), or None. ``models`` are the operation's ninja parameter models
    (query, path, body …) and ``values`` what they resolved to. ``core.api`` applies it to every
    operation, so no page number, quantity or status code reaches a service or a column it
    overflows; a field that holds more (a unix time, a 64-bit id) declares its range."""
    for model in models:
        source = getattr(model, "__ninja_param_source__", "")
        for field_name, field in model.model_fields.items():
            value = values.get(field_name)
            # The body model's one field is the view's body argument: its name is not on the wire.
            name = "" if source == "body" else (field.alias or field_name)
            for where, problem in _int_value_problems(value, field, name):
                return InputRefused(where, problem)
    return None


def _form_pairs(raw: bytes) -> Iterator[tuple[bytes, bytes]]:
    for chunk in raw.split(b"&"):
        if not chunk:
            continue
        key, _, value = chunk.partition(b"=")
        yield (
            unquote_to_bytes(key.replace(b"+", b" ")),
            unquote_to_bytes(value.replace(b"+", b" ")),
        )


def form_encoded_problem(raw: bytes) -> InputRefused | None:
    """The first parameter of a query string or urlencoded body that is not valid UTF-8 or
    contains a NUL (Django would decode it with replacement characters and keep the NUL)."""
    for key, value in _form_pairs(raw):
        name = shown_name(key.decode("utf-8", errors="replace"))
        for part in (key, value):
            try:
                text = part.decode("utf-8")
            except UnicodeDecodeError:
                return InputRefused(name, UTF8_PROBLEM)
            if "\x00" in text:
                return InputRefused(name, NUL_PROBLEM)
    return None


def _has_control(text: str) -> bool:
    return any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _is_multipart(request: HttpRequest) -> bool:
    return request.content_type == "multipart/form-data"


def request_problem(request: HttpRequest) -> InputRefused | None:
    """The first thing about ``request`` the boundary refuses (see the module doc), or None."""
    is_api = request.path_info.startswith(API_PATH_PREFIX)
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if (
        limit is not None
        and _content_length(request) > limit
        and (is_api or not _is_multipart(request))
    ):
        return InputRefused("body", f"larger than the {limit} byte limit")
    if _has_control(request.path_info):
        return InputRefused("path", "contains a control character")
    raw_query = request.META.get("QUERY_STRING", "")
    if raw_query:
        # The WSGI server hands the query over as latin-1 text of the raw bytes.
        problem = form_encoded_problem(raw_query.encode("latin-1", errors="replace"))
        if problem:
            return problem
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.content_type == "application/x-www-form-urlencoded":
        return form_encoded_problem(request.body)
    if _is_multipart(request):
        for name, values in request.POST.lists():
            for text in (name, *values):
                text_issue = text_problem(text)
                if text_issue:
                    return InputRefused(shown_name(name), text_issue)
    return None
