"""Developer API for orders (CJ API 2.0 paths carried in full by the router)."""

from ninja import Router

router = Router()
