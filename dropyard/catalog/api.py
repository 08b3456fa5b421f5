"""Developer API for catalog (CJ API 2.0 paths; mounted at the API root in config/api.py)."""

from ninja import Router

router = Router(tags=["catalog"])
