"""The one NinjaAPI, served under /api2.0/v1/ (CJ API 2.0 compatible). Built in core/api.py.

Each app's ``api.py`` holds a ninja ``Router``; mount it here at the CJ path prefix it serves.
Every operation inherits the ``CJ-Access-Token`` auth and the per-account rate limit; see
``dropyard.core.api`` for the conventions.
"""

from dropyard.accounts.api import router as accounts_router
from dropyard.core.api import build_api

api = build_api()
# authentication/* and setting/*: two CJ prefixes, one app, so the router carries full paths.
api.add_router("", accounts_router)
