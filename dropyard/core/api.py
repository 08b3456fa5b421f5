"""Developer API plumbing (CJ API 2.0 compatible): envelope, auth, rate limits, error mapping.

``build_api()`` returns the one ``NinjaAPI`` (``dropyard/config/api.py`` mounts every app's
router on it; ``config/urls.py`` serves it under ``/api2.0/v1/``). What every operation gets for
free, so an app's ``api.py`` holds only its paths, schemas and one service/selector call each:

- **Envelope.** Whatever an operation returns becomes ``data`` in
  ``{"code": 200, "result": true, "message": "Success", "data": …, "requestId": "<uuid4>"}``
  (``EnvelopeRenderer``); errors use the same helper (``envelope``) with ``result: false`` and
  ``data: null``. ``requestId`` is a fresh uuid4 per request, echoed in the ``X-Request-Id``
  header. Operations the contract answers with the alternate ``{success: true, code: 0, …}``
  body (§3 quirks) return ``legacy_success(data)``; their errors use the normal envelope.
  Schemas are always serialised by alias (the contract's camelCase names): derive them
  from ``CamelSchema`` and keep Python names snake_case.
- **HTTP status.** Every answer the contract describes (success, business errors, auth errors,
  bad JSON, unknown path, wrong method, rate limits) is HTTP 200: CJ clients decide on the
  envelope's ``code``. Only an unexpected server fault is HTTP 500 (still an envelope, code
  1600000 "system busy", which the contract tells clients to retry).
- **Error mapping.** ``DomainError`` (every app's exceptions) → its ``code`` and message;
  malformed JSON → 16900205; no body where one is required → 16900204; missing or
  wrong-typed parameter → 1600300 naming the parameter (``"apiKey is required"``); unknown path
  → 1600101; wrong method → 16900202; rate limit → 1600200.
- **Input boundary.** Before an operation runs: NUL bytes, invalid UTF-8 and lone surrogates
  anywhere in the request, bodies over 10 MB (``core.middleware`` + ``JsonBodyParser``, rules
  in ``core.boundary``), and integers outside their field's range (the PostgreSQL ``integer``
  range unless the field declares ``ge``/``le``; ``_with_int_range_check``) → 1600300 naming
  the parameter.
- **OpenAPI.** ``openapi.json`` documents what goes out: HTTP 200 with ``oneOf`` the success
  envelope (``data`` the operation's schema) or ``ErrorEnvelope`` (``result`` false, ``data``
  null); HTTP 500 with ``ErrorEnvelope``. Operations declared with
  ``openapi_extra=legacy_envelope_openapi(DataOut)`` document the ``{success, code: 0}`` body
  instead.
- **Auth.** ``build_api(auth=…)`` makes the given auth the API's *default*, so every router and
  operation inherits it. The one in use is ``accounts.api_auth.CJAccessToken`` (header
  ``CJ-Access-Token``; tokens belong to accounts, which sits above core): missing header →
  1600002, unknown/expired/revoked token → 1600001. On success ``request.auth`` is the
  ``ApiToken`` row (``request.auth.merchant`` is loaded). An operation is public only if it is
  declared with ``auth=None`` **and** listed in ``PUBLIC_API_OPERATIONS``; the route-matrix test
  holds the two together.
- **Rate limits** (``core.api_throttles``). ``AccountRateThrottle`` (the API's default
  throttle, run after auth) is a token bucket per account: sustained
  ``DROPYARD_API_QPS_BY_LEVEL[merchant.level]`` requests per second, up to
  ``max(DROPYARD_API_BURST, qps)`` at once; public operations use ``ClientIpRateThrottle``
  (``DROPYARD_API_PUBLIC_QPS_PER_IP`` per second per IP) instead. Both are skipped when
  ``DROPYARD_API_RATE_LIMITS_ENABLED`` is False. An operation that declares its own
  ``throttle=`` replaces the default, so include ``AccountRateThrottle()`` in its list (or use
  ``AccountOperationThrottle``, which asks the account's bucket itself). Every
  answer carries ``X-RateLimit-Limit/-Remaining/-Reset`` (the limiter that ran, else the
  caller's bucket uncounted: ``core.api_throttles``); every 1600200 carries ``Retry-After`` (a
  service's own limit raises ``core.errors.TooManyRequests`` with its ``RateDecision``).

Enumerating operations (route-matrix tests, docs): ``api_operations(api)`` returns every
``(method, path, operation)`` with ``path`` relative to ``/api2.0/v1/`` in ninja notation
(``"setting/get"``, ``"orders/{order_id}"``); ``operation.auth_callbacks`` is empty exactly for
public operations. It reads the routers bound to the API (``api._get_bound_routers()`` →
``bound.path_operations[path].operations``), the same objects that serve requests.

Documentation: ``openapi.json`` and ``docs`` (Swagger UI from django-ninja's bundled static
files, no CDN, so it works offline) are public. They are not API operations (ninja serves them
outside auth and the envelope), so they are listed separately in ``PUBLIC_DOCS_PATHS``.
"""

import json
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from inspect import iscoroutinefunction
from typing import Annotated, Any

import pydantic
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, path, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, Throttled, ValidationError
from ninja.openapi.docs import Swagger
from ninja.openapi.schema import REF_TEMPLATE
from ninja.operation import Operation
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.router import BoundRouter
from ninja.schema import NinjaGenerateJsonSchema
from ninja.security.base import AuthBase
from ninja.utils import normalize_path
from pydantic import ConfigDict, PlainSerializer
from pydantic.alias_generators import to_camel

from dropyard.core.api_scopes import (
    SCOPE_DESCRIPTIONS,
    ApiScope,
    operation_scope,
    required_scope_note,
)
from dropyard.core.api_throttles import AccountRateThrottle, note_rate_decision, rate_limit_headers
from dropyard.core.boundary import INT32_MAX, INT32_MIN, int_range_problem_in, json_problems
from dropyard.core.errors import DomainError, ErrorCode, TooManyRequests

logger = logging.getLogger(__name__)

# Operations that answer without a CJ-Access-Token (paths relative to /api2.0/v1/). Each must also
# be declared with ``auth=None``; the route-matrix test checks every other operation answers
# 1600002 without a token.
PUBLIC_API_OPERATIONS: frozenset[str] = frozenset(
    {"authentication/getAccessToken", "authentication/refreshAccessToken"}
)
# Served by ninja itself (not operations): the OpenAPI document and its Swagger UI page.
PUBLIC_DOCS_PATHS: frozenset[str] = frozenset({"openapi.json", "docs"})

SUCCESS_CODE = 200
SUCCESS_MESSAGE = "Success"
MESSAGE_MAX_LENGTH = 200  # contract §3: message is a string of at most 200 characters
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


# --- Errors raised by the framework itself ------------------------------------------------------


class TokenMissing(DomainError):
    """The operation needs a ``CJ-Access-Token`` header and the request has none (1600002)."""

    default_code = ErrorCode.TOKEN_MISSING
    http_status = 401


class ParamError(DomainError):
    """A request parameter is missing or invalid (1600300); the message names the parameter."""


class BodyNotJson(DomainError):
    """The request body could not be parsed as JSON (16900205)."""

    default_code = ErrorCode.BAD_JSON


# --- Envelope -----------------------------------------------------------------------------------


def request_id(request: HttpRequest) -> str:
    """The request's id: a uuid4 made on first use, then the same for the rest of the request."""
    rid = getattr(request, "dropyard_request_id", None)
    if rid is None:
        rid = str(uuid.uuid4())
        request.dropyard_request_id = rid
    return rid


def envelope(
    request: HttpRequest,
    *,
    data: Any = None,
    code: int = SUCCESS_CODE,
    message: str = SUCCESS_MESSAGE,
) -> dict[str, Any]:
    """The contract's response body (§3); the only place that shapes one.

    Invariant: exactly the keys code, result, message, data, requestId; ``result`` is true iff
    ``code`` is 200, and ``data`` is null whenever ``result`` is false.
    """
    ok = int(code) == SUCCESS_CODE
    return {
        "code": int(code),
        "result": ok,
        "message": str(message)[:MESSAGE_MAX_LENGTH],
        "data": data if ok else None,
        "requestId": request_id(request),
    }


LEGACY_SUCCESS_CODE = 0


class LegacySuccess:
    """An operation's result to be sent in the contract's alternate success envelope.

    Contract §3 quirks: ``product/globalWarehouseList``, ``product/productComments`` (and
    ``shop/getShops``, videos) answer ``{success: true, code: 0, message, data, requestId}``
    instead of the normal envelope. Return ``legacy_success(data)`` from such an operation (with
    no ``response=`` schema, so ninja passes the object through to the renderer). Errors raised
    by the same operation keep the normal error envelope.
    """

    __slots__ = ("data",)

    def __init__(self, data: Any):
        self.data = data


def legacy_success(data: Any) -> LegacySuccess:
    """Mark ``data`` for the alternate success envelope (see ``LegacySuccess``)."""
    return LegacySuccess(data)


def legacy_envelope(
    request: HttpRequest, *, data: Any = None, message: str = SUCCESS_MESSAGE
) -> dict[str, Any]:
    """The contract's alternate success body (§3 quirks); the only place that shapes one.

    Invariant: exactly the keys success, code, message, data, requestId with ``success`` true
    and ``code`` 0; ``requestId`` is the same id the normal envelope would carry.
    """
    return {
        "success": True,
        "code": LEGACY_SUCCESS_CODE,
        "message": str(message)[:MESSAGE_MAX_LENGTH],
        "data": data,
        "requestId": request_id(request),
    }


class ApiJSONEncoder(NinjaJSONEncoder):
    """JSON encoder for API bodies: pydantic models go out by alias (the contract's names)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, pydantic.BaseModel):
            return o.model_dump(by_alias=True, mode="json")
        return super().default(o)


class EnvelopeRenderer(JSONRenderer):
    """Renders an operation's return value as the ``data`` of a success envelope."""

    encoder_class = ApiJSONEncoder

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> str:
        if isinstance(data, LegacySuccess):
            body = legacy_envelope(request, data=data.data)
        else:
            body = envelope(request, data=data)
        return json.dumps(body, cls=self.encoder_class)


def api_error_response(
    request: HttpRequest, *, code: int, message: str, status: int = 200
) -> HttpResponse:
    """An error envelope (``result: false``, ``data: null``) with the X-Request-Id header."""
    body = envelope(request, code=code, message=message)
    response = HttpResponse(json.dumps(body), status=status, content_type=JSON_CONTENT_TYPE)
    response["X-Request-Id"] = body["requestId"]
    rate_limit_headers(request, response)
    if code == ErrorCode.TOO_MANY_REQUESTS and "Retry-After" not in response:
        response["Retry-After"] = "1"  # a refusal whose limiter gave no time: try in a second
    return response


# --- Schemas and values at the boundary ---------------------------------------------------------


class CamelSchema(Schema):
    """Base for API schemas: snake_case in Python, the contract's camelCase on the wire.

    Accepts either name on input (so code can build instances by field name); the API dumps
    every response by alias.
    """

    model_config = ConfigDict(
        from_attributes=True,
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
    )

    @pydantic.model_validator(mode="before")
    @classmethod
    def _refuse_json_scalars_and_arrays(cls, value: Any) -> Any:
        # from_attributes would read a JSON array or scalar as an object with no fields and
        # report "x is required"; say what is really wrong instead. ninja's own root validator
        # runs first and wraps the input in a DjangoGetter (``_obj`` is the original).
        raw = getattr(value, "_obj", value)
        if isinstance(raw, list | tuple | str | bytes | int | float | bool):
            raise ValueError("must be a JSON object")
        return value


def api_datetime(value: datetime) -> str:
    """ISO-8601 with an explicit offset and whole seconds, always in UTC: ``…T09:16:33+00:00``.

    CJ's examples use +08:00; any offset is valid ISO-8601 and clients are told to rely on the
    returned timestamps, so we keep one unambiguous zone.
    """
    return value.astimezone(UTC).isoformat(timespec="seconds")


# A datetime field that goes out as ``api_datetime`` text (auth dates, contract §1).
ApiDateTime = Annotated[datetime, PlainSerializer(api_datetime, return_type=str)]


# --- Request parsing ----------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity, -Infinity: Python accepts them


class JsonBodyParser(Parser):
    """ninja's JSON parser, but a body that is not JSON raises ``BodyNotJson`` (16900205) and
    one the input boundary refuses (``core.boundary.json_problems``: a NUL or lone surrogate in
    any string, a number no column holds) raises ``ParamError`` naming the parameter.

    ninja wraps any parser exception in ``HttpError(400)`` with the original as ``__cause__``;
    the HttpError handler unwraps it.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return json_body_parse(request.body)


def json_body_parse(raw: bytes) -> Any:
    """A request body parsed as JSON under the input boundary's rules (``JsonBodyParser``).

    For an operation that reads its body itself (one that accepts several body shapes): it
    gets the same refusals as a schema-validated body.
    """
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
        problem = next(json_problems(data), None)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise BodyNotJson("The request body is not valid JSON") from exc
    except RecursionError as exc:  # arrays or objects nested ~1000 deep
        raise BodyNotJson("The request body is nested too deeply") from exc
    if problem is not None:
        raise ParamError(problem.message)
    return data


def _with_int_range_check(operation: Operation) -> None:
    """Wrap ``operation``'s value resolution (once) with the integer range check of the input
    boundary (``core.boundary.int_range_problem_in``): 1600300 naming the parameter."""
    if getattr(operation, "_dropyard_int_ranges", False):
        return
    resolve = operation._get_values

    def get_values(request: HttpRequest, path_params: Any, temporal_response: HttpResponse):
        values = resolve(request, path_params, temporal_response)
        problem = int_range_problem_in(operation.models, values)
        if problem is not None:
            raise ParamError(problem.message)
        return values

    operation._get_values = get_values  # type: ignore[method-assign]
    operation._dropyard_int_ranges = True  # type: ignore[attr-defined]


def _param_name(loc: tuple[Any, ...]) -> str:
    """The wire name of the parameter an error location points at (``products[0].vid``)."""
    parts = list(loc[1:])  # loc[0] is the source: body, query, header, path
    if loc and loc[0] == "body" and parts:
        parts = parts[1:]  # ninja puts the view's body argument name first
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def param_error_message(errors: list[dict[str, Any]]) -> str:
    """One readable 1600300 message naming each bad parameter: ``"apiKey is required"``."""
    messages = []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        name = _param_name(loc)
        if not name:
            source = loc[0] if loc else "request"
            messages.append(
                "The request body must be a JSON object"
                if source == "body"
                else f"Invalid {source} parameters"
            )
        elif error.get("type") == "missing":
            messages.append(f"{name} is required")
        else:
            messages.append(f"{name}: {error.get('msg', 'invalid value')}")
    return "; ".join(dict.fromkeys(messages)) or "Parameter error"


# --- Authentication and rate limits -------------------------------------------------------------


# --- Error handlers -----------------------------------------------------------------------------

_HTTP_ERROR_CODES: dict[int, ErrorCode] = {
    400: ErrorCode.PARAM_ERROR,
    401: ErrorCode.INVALID_TOKEN,
    403: ErrorCode.AUTHORIZATION_FAILED,
    404: ErrorCode.PARAM_ERROR,
    405: ErrorCode.METHOD_NOT_SUPPORTED,
    429: ErrorCode.TOO_MANY_REQUESTS,
}


def _on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, TooManyRequests) and exc.decision is not None:
        note_rate_decision(request, exc.decision)  # a service's own limit (getAccessToken)
    return api_error_response(request, code=exc.code, message=exc.message)


def _is_absent_body(error: dict[str, Any]) -> bool:
    # ninja reports an absent JSON body as the body argument itself missing: loc (body, name).
    loc = tuple(error.get("loc", ()))
    return error.get("type") == "missing" and len(loc) == 2 and loc[0] == "body"


def _on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if any(_is_absent_body(error) for error in exc.errors):
        return api_error_response(
            request, code=ErrorCode.BODY_MISSING, message="The request body is missing"
        )
    return api_error_response(
        request, code=ErrorCode.PARAM_ERROR, message=param_error_message(exc.errors)
    )


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, DomainError):  # e.g. BodyNotJson raised by JsonBodyParser
        return _on_domain_error(request, exc.__cause__)
    if isinstance(exc, Throttled):
        return api_error_response(
            request, code=ErrorCode.TOO_MANY_REQUESTS, message="Too many requests"
        )
    code = _HTTP_ERROR_CODES.get(
        exc.status_code,
        ErrorCode.SYSTEM_BUSY if exc.status_code >= 500 else ErrorCode.PARAM_ERROR,
    )
    return api_error_response(request, code=code, message=exc.message)


def _on_http404(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Raised by get_object_or_404 inside an operation: the object, not the interface, is missing
    # (the contract answers 1600300 for an unknown order id).
    return api_error_response(request, code=ErrorCode.PARAM_ERROR, message="Not found")


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled error in API operation %s %s", request.method, request.path)
    return api_error_response(
        request,
        code=ErrorCode.SYSTEM_BUSY,
        message="System busy, please try again later",
        status=500,
    )


@csrf_exempt
def interface_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Catch-all under the API prefix: 1600101 in an envelope instead of Django's HTML 404."""
    return api_error_response(
        request,
        code=ErrorCode.INTERFACE_NOT_FOUND,
        message=f"Interface not found: {request.path}",
    )


def _method_not_allowed_as_envelope(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a ninja path view so its plain-text 405 becomes a 16900202 envelope."""

    def convert(request: HttpRequest, response: Any) -> Any:
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        allowed = response["Allow"]
        converted = api_error_response(
            request,
            code=ErrorCode.METHOD_NOT_SUPPORTED,
            message=f"Request method '{request.method}' not supported; use {allowed}",
        )
        converted["Allow"] = allowed
        return converted

    if iscoroutinefunction(view):

        @wraps(view)
        async def async_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            return convert(request, await view(request, *args, **kwargs))

        return async_wrapper

    @wraps(view)  # keeps ninja's csrf_exempt flag
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return convert(request, view(request, *args, **kwargs))

    return wrapper


# --- The API ------------------------------------------------------------------------------------


# Mark an operation answered in the alternate ``{success: true, code: 0}`` body (``LegacySuccess``)
# so that openapi.json documents that body (``legacy_envelope_openapi``); both keys are removed
# from the served document.
LEGACY_ENVELOPE_KEY = "x-dropyard-envelope"
LEGACY_COMPONENTS_KEY = "x-dropyard-components"


def legacy_envelope_openapi(data_type: Any) -> dict[str, Any]:
    """``openapi_extra`` of a ``LegacySuccess`` operation whose ``data`` is ``data_type`` (a
    schema class, ``list[…]`` of one): ``data`` documented as ``response=`` would document it
    (by alias, serialization mode, nested schemas under components), without validating it."""
    wrapper = pydantic.create_model("Response", response=(data_type, ...))
    schema = wrapper.model_json_schema(
        ref_template=REF_TEMPLATE,
        by_alias=True,
        schema_generator=NinjaGenerateJsonSchema,
        mode="serialization",
    )
    content = {"application/json": {"schema": schema["properties"]["response"]}}
    return {
        LEGACY_ENVELOPE_KEY: "legacy",
        LEGACY_COMPONENTS_KEY: schema.get("$defs", {}),
        "responses": {200: {"description": "OK", "content": content}},
    }


ERROR_ENVELOPE_REF = "#/components/schemas/ErrorEnvelope"
_REQUEST_ID_SCHEMA = {"type": "string", "format": "uuid"}
_MESSAGE_SCHEMA = {"type": "string", "maxLength": MESSAGE_MAX_LENGTH}


def _body_schema(title: str, *, head: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """An envelope body: ``head`` (code and result/success), then message, data, requestId;
    every property required, in the order it goes out."""
    properties = {**head, "message": _MESSAGE_SCHEMA, "data": data, "requestId": _REQUEST_ID_SCHEMA}
    return {
        "title": title,
        "type": "object",
        "required": list(properties),
        "properties": properties,
    }


def _success_envelope_schema(data_schema: dict[str, Any]) -> dict[str, Any]:
    """The normal success body: code 200, result true, ``data`` the operation's schema."""
    code = {"type": "integer", "enum": [SUCCESS_CODE]}
    result = {"type": "boolean", "enum": [True]}
    return _body_schema("Success", head={"code": code, "result": result}, data=data_schema)


def _legacy_envelope_schema(data_schema: dict[str, Any]) -> dict[str, Any]:
    """The alternate success body of ``LegacySuccess`` operations (no ``result``)."""
    success = {"type": "boolean", "enum": [True]}
    code = {"type": "integer", "enum": [LEGACY_SUCCESS_CODE]}
    return _body_schema("LegacySuccess", head={"success": success, "code": code}, data=data_schema)


ERROR_ENVELOPE_SCHEMA: dict[str, Any] = {
    **_body_schema(
        "ErrorEnvelope",
        head={
            "code": {"type": "integer", "not": {"enum": [SUCCESS_CODE]}},
            "result": {"type": "boolean", "enum": [False]},
        },
        data={"type": "null"},
    ),
    "description": (
        "Every refusal (HTTP 200) and the unexpected server fault (HTTP 500, code 1600000): "
        "result false, data null, code the error code (1600300 parameter error, …)."
    ),
}


def _documented_responses(operation: dict[str, Any]) -> dict[str, Any]:
    """An operation's responses as they go out: HTTP 200 with the success body (the normal
    envelope, or the legacy one for ``legacy_envelope_openapi`` operations) or the error envelope;
    HTTP 500 with the error envelope (code 1600000, "system busy")."""
    responses = operation.get("responses", {})
    ok = responses.get(200) or responses.get("200") or {}
    data_schema = ok.get("content", {}).get("application/json", {}).get("schema", {})
    if operation.pop(LEGACY_ENVELOPE_KEY, None) == "legacy":
        success = _legacy_envelope_schema(data_schema)
    else:
        success = _success_envelope_schema(data_schema)
    error = {"$ref": ERROR_ENVELOPE_REF}
    return {
        "200": {
            "description": "Success, or a refusal (result false, data null: see code)",
            "content": {"application/json": {"schema": {"oneOf": [success, error]}}},
        },
        "500": {
            "description": "Unexpected server fault: code 1600000, retry later",
            "content": {"application/json": {"schema": error}},
        },
    }


def _document_int_range(schema: dict[str, Any]) -> None:
    """Give an integer parameter without declared bounds the range the boundary holds it to
    (the PostgreSQL ``integer`` range, ``_with_int_range_check``)."""
    for option in [schema, *schema.get("anyOf", [])]:
        if option.get("type") == "integer":
            option.setdefault("minimum", INT32_MIN)
            option.setdefault("maximum", INT32_MAX)


class DropyardAPI(NinjaAPI):
    """NinjaAPI with the contract's conventions wired into URL building and OpenAPI.

    - every operation serialises its response schema by alias;
    - the root and any unknown path answer 1600101, a wrong method 16900202;
    - every response carries ``X-Request-Id``; OpenAPI shows responses inside the envelope.
    """

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        response["X-Request-Id"] = request_id(request)
        return rate_limit_headers(request, response)

    def _get_bound_routers(self) -> list[BoundRouter]:
        bound_routers = super()._get_bound_routers()
        for method, route, operation in _bound_operations(bound_routers):
            operation.by_alias = True
            _with_int_range_check(operation)  # once per operation, whatever its methods
            if operation.auth_callbacks:  # public operations need no scope
                _note_scope_before_run(operation, method, route)
        return bound_routers

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        patterns: list[URLPattern | URLResolver] = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern) and pattern.name == "api-root":
                # ninja's root view raises a bare 404; keep the name (OpenAPI reverses it).
                patterns.append(path("", interface_not_found, name="api-root"))
            elif isinstance(pattern, URLPattern):
                pattern.callback = _method_not_allowed_as_envelope(pattern.callback)
                patterns.append(pattern)
            else:
                patterns.append(pattern)
        patterns.append(re_path(r"^.*$", interface_not_found, name="interface-not-found"))
        return patterns

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """``dropyard_<app>_api_<function>``: stable when an app's ``api`` module becomes a
        package (ninja's default would take the sub-module's dotted path)."""
        module = operation.view_func.__module__
        parts = module.split(".")
        if len(parts) > 3 and parts[0] == "dropyard" and parts[2] == "api":
            module = ".".join(parts[:3])
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params=None):
        """ninja's document with each operation's real answers (``_documented_responses``)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                for name, component in operation.pop(LEGACY_COMPONENTS_KEY, {}).items():
                    if schemas.setdefault(name, component) != component:
                        raise ValueError(f"two different schemas are named {name}")
                operation["responses"] = _documented_responses(operation)
                for parameter in operation.get("parameters", []):
                    _document_int_range(parameter.get("schema", {}))
        schemas["ErrorEnvelope"] = ERROR_ENVELOPE_SCHEMA
        return schema


API_DESCRIPTION = """\
Wire-compatible with CJ Dropshipping's API 2.0. Every response is an envelope
`{code, result, message, data, requestId}`; `code` 200 means success, any other code is a
refusal with `result` false and `data` null (still HTTP 200; only an unexpected fault is HTTP
500, code 1600000). A few operations answer `{success: true, code: 0, message, data,
requestId}` instead, as CJ's do. Bad input (a NUL byte or invalid UTF-8 anywhere, a body over
10 MB, an integer outside its field's range: the 32-bit range unless documented) is code
1600300 naming the parameter. Get a token with `authentication/getAccessToken` and send it in
the `CJ-Access-Token` header.

**Ids.** Long ids are JSON *strings* of digits: `pid`, `vid`, `orderId`, `cjOrderId`,
`shipmentOrderId`/`shipmentsId`, `payId`, `invoiceId`, `categoryId`, `shopId`, `lineItemId`,
`disputeId`, store, connection and dispute `id`s (up to 19 digits: keep them as strings).
Ids sent as JSON *numbers* are exact in an IEEE-754 double (at most 2^53 - 1), so any JSON
parser reads them unchanged: `openId` (16 digits) and `areaId` (an ISO 3166-1 numeric country
code). `openId` is also the key that signs webhook deliveries (header `sign`); accounts created
before openIds were kept under 2^53 were given a new one, so re-read it after upgrading.

**Rate limits.** Each account has a token bucket: it refills at the account level's rate
(1/s for levels 0-1, 2/s level 2, 4/s level 3, 6/s levels 4-5) and holds `DROPYARD_API_BURST`
requests (4 by default, or the level's rate when higher), so short call sequences pass. Every
answer carries `X-RateLimit-Limit` (requests the bucket holds), `X-RateLimit-Remaining` and
`X-RateLimit-Reset` (seconds until it is full); a refusal (code 1600200) carries `Retry-After`
(seconds). An answer without a valid token (no or an invalid token, an unknown path) reports
the client IP's bucket, the one public operations count, without counting that answer; an
answer refused before the account was counted (a missing scope) reports the account's bucket
uncounted. When the operator switches limits off, the headers show a full bucket (`Remaining`
= `Limit`, `Reset` 0).
`getAccessToken` is allowed once in any 5 minutes and `refreshAccessToken` 5 times in any
minute per account (rolling windows); public operations 10/s per client IP;
`getOrderDetailBatch` 2/s per account, and a call it refuses does not spend the account's bucket.

**API key scopes.** A key is created with scopes (all of them by default); a token may call only
the operations its key's scopes cover, otherwise the answer is code 1600001 naming the missing
scope and nothing is changed. Every GET needs `read` (but `authentication/getAuthorizeUrl`
needs `stores`); a write scope does not include `read`.
"""


def _api_description() -> str:
    scopes = "\n".join(f"- `{value}`: {SCOPE_DESCRIPTIONS[value]}" for value in ApiScope.values)
    return f"{API_DESCRIPTION}\n{scopes}\n"


def build_api(*, auth: AuthBase, urls_namespace: str = "api") -> DropyardAPI:
    """Build a Dropyard API (no routers yet): envelope, default auth and throttle, handlers.

    Invariant: every operation added to it later requires ``auth`` (the ``CJ-Access-Token``
    header, ``accounts.api_auth.CJAccessToken``) and counts against the account's QPS unless it
    says otherwise (``auth=None``, its own ``throttle=``).
    """
    api = DropyardAPI(
        title="Dropyard API (CJ API 2.0 compatible)",
        version="2.0",
        description=_api_description(),
        urls_namespace=urls_namespace,
        auth=auth,
        throttle=[AccountRateThrottle()],
        renderer=EnvelopeRenderer(),
        parser=JsonBodyParser(),
        # validatorUrl: Swagger UI would otherwise fetch a badge from validator.swagger.io.
        docs=Swagger(settings={"validatorUrl": None}),
    )
    api.add_exception_handler(DomainError, _on_domain_error)
    api.add_exception_handler(ValidationError, _on_validation_error)
    api.add_exception_handler(HttpError, _on_http_error)
    api.add_exception_handler(Http404, _on_http404)
    api.add_exception_handler(Exception, _on_unexpected)
    return api


def api_operations(api: NinjaAPI) -> list[tuple[str, str, Operation]]:
    """Every ``(method, path, operation)`` the API serves, sorted by path then method.

    ``path`` is relative to ``/api2.0/v1/`` in ninja notation (``"orders/{order_id}"``); the
    operations are the bound ones that serve requests (``operation.auth_callbacks`` is empty for
    a public operation). Building the list binds the routers, so add every router first.
    """
    found = _bound_operations(api._get_bound_routers())
    return sorted(found, key=lambda item: (item[1], item[0]))


def _bound_operations(bound_routers: list[BoundRouter]) -> list[tuple[str, str, Operation]]:
    found = []
    for bound in bound_routers:
        for op_path, path_view in bound.path_operations.items():
            route = normalize_path("/".join(p for p in (bound.prefix, op_path) if p)).lstrip("/")
            for operation in path_view.operations:
                for method in operation.methods:
                    found.append((method.upper(), route, operation))
    return found


def _note_scope_before_run(operation: Operation, method: str, route: str) -> None:
    """Make ``operation`` note the API key scope it needs on the request before its auth runs
    (``core.api_scopes``: the auth class checks the token's scopes against it). Idempotent."""
    scopes: dict[str, str] | None = getattr(operation, "dropyard_scopes", None)
    if scopes is None:
        scopes = operation.dropyard_scopes = {}  # type: ignore[attr-defined]
        run = operation.run

        def note(request: HttpRequest) -> None:
            verb = (request.method or "").upper()
            if verb in scopes:
                required_scope_note(request, method=verb, path=route, scope=scopes[verb])

        if iscoroutinefunction(run):

            @wraps(run)
            async def async_run(request: HttpRequest, **kw: Any) -> Any:
                note(request)
                return await run(request, **kw)

            operation.run = async_run  # type: ignore[method-assign]
        else:

            @wraps(run)
            def sync_run(request: HttpRequest, **kw: Any) -> Any:
                note(request)
                return run(request, **kw)

            operation.run = sync_run  # type: ignore[method-assign]
    scopes[method] = operation_scope(method, route)
