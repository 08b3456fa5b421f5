"""Developer API plumbing: envelope, auth, rate limits, error mapping (to be completed)."""

from ninja import NinjaAPI


def build_api() -> NinjaAPI:
    return NinjaAPI(
        title="Dropyard API (CJ API 2.0 compatible)", version="2.0", urls_namespace="api"
    )
