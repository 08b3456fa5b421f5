"""Developer API for the wallet (CJ API 2.0 ``shopping/pay/*`` and ``shopping/makeup/*``)."""

from ninja import Router

router = Router()
