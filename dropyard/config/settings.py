"""Dropyard settings, driven by environment variables (documented in docs/configuration.md).

Safe self-hosting defaults: SQLite in ``DROPYARD_DATA_DIR`` (default ``./var``), ``DEBUG`` off,
a secret key from the environment (an embedded install generates one into the data directory).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DROPYARD_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DROPYARD_DEBUG", False)


def _secret_key() -> str:
    """Use DROPYARD_SECRET_KEY; otherwise keep a generated key in the data directory.

    A generated key survives restarts (sessions and tokens stay valid) without ever being committed.
    """
    key = os.environ.get("DROPYARD_SECRET_KEY")
    if key:
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # Created readable by the owner only from the first byte (no chmod window).
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("DROPYARD_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DROPYARD_CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("DROPYARD_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The platform's name in emails (subjects, greetings, signatures): an installation's own brand.
DROPYARD_SITE_NAME = os.environ.get("DROPYARD_SITE_NAME", "Dropyard").strip() or "Dropyard"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_countries",
    "widget_tweaks",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks_db",
    "ninja",
    "django_filters",
    "django_tables2",
    "dropyard.core",
    "dropyard.accounts",
    "dropyard.catalog",
    "dropyard.inventory",
    "dropyard.logistics",
    "dropyard.orders",
    "dropyard.fulfillment",
    "dropyard.webhooks",
    "dropyard.wallet",
    "dropyard.sourcing",
    "dropyard.suppliers",
    "dropyard.aftersales",
    "dropyard.stores",
    "dropyard.dashboard",
    "dropyard.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "dropyard.accounts.middleware.CurrentMerchantMiddleware",
    "dropyard.accounts.middleware.UserLanguageMiddleware",
    # Last, so its 400 page knows the user: NUL bytes, invalid UTF-8 and oversized bodies are
    # refused before any view (an API envelope under /api2.0/). See dropyard/core/boundary.py.
    "dropyard.core.middleware.InputBoundaryMiddleware",
]

ROOT_URLCONF = "dropyard.config.urls"
WSGI_APPLICATION = "dropyard.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dropyard.dashboard.context_processors.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
SQLITE_OPTIONS = {
    # Write transactions take the lock at BEGIN and wait for it instead of failing later with
    # "database is locked" (select_for_update is a no-op on SQLite).
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA busy_timeout=20000;"
    ),
}

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "dropyard.sqlite3",
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # Operator admins hold the model permissions the Django admin asks for (read-only there for
    # stateful models: core.admin.ReadOnlyAdmin); it authenticates nobody.
    "dropyard.accounts.backends.OperatorAdminBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- Accounts (django-allauth) ----------------------------------------------------------------
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "dropyard.accounts.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "dropyard.accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Without it allauth prefixes subjects with the request's host ("[127.0.0.1:8101]").
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{DROPYARD_SITE_NAME}] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Dropyard"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# --- Email ------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DROPYARD_EMAIL_FROM", "Dropyard <no-reply@dropyard.local>")
if os.environ.get("DROPYARD_EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["DROPYARD_EMAIL_HOST"],
                "port": int(os.environ.get("DROPYARD_EMAIL_PORT", "587")),
                "username": os.environ.get("DROPYARD_EMAIL_USER", ""),
                "password": os.environ.get("DROPYARD_EMAIL_PASSWORD", ""),
                "use_tls": env_bool("DROPYARD_EMAIL_USE_TLS", True),
            },
        }
    }
elif os.environ.get("DROPYARD_EMAIL_BACKEND") == "console":
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    # Default: every email is written as a file under <data dir>/mail (read the links there).
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(DATA_DIR / "mail")},
        }
    }

# --- Background tasks -------------------------------------------------------------------------
# One setting picks the queue: "db" (django-tasks-db, in the database; no broker) or "rq" (RQ on
# Redis through django-tasks-rq; needs the `rq` extra). Code only uses django.tasks either way.
DROPYARD_TASK_BACKEND = (os.environ.get("DROPYARD_TASK_BACKEND") or "db").strip().lower()
if DROPYARD_TASK_BACKEND not in ("db", "rq"):
    raise ImproperlyConfigured(
        f"DROPYARD_TASK_BACKEND must be db or rq, not {DROPYARD_TASK_BACKEND!r}"
    )
if DROPYARD_TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {
        "default": {
            "URL": os.environ.get("DROPYARD_RQ_URL", "redis://127.0.0.1:6379/0"),
            # RQ stops a job after this long; the database queue has no limit.
            "DEFAULT_TIMEOUT": int(os.environ.get("DROPYARD_RQ_JOB_TIMEOUT_SECONDS", "3600")),
        }
    }
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Every `dropyard worker` proves it is alive this often (also while it runs a long task)...
DROPYARD_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("DROPYARD_WORKER_HEARTBEAT_SECONDS", "5"))
# ...and a worker silent for this long is dead: the live workers run its tasks again. Keep it
# above SQLite's 20 s busy timeout (a beat may wait that long) and at least the webhook lease
# plus one heartbeat (a recovered delivery then finds its lease expired and sends at once).
DROPYARD_WORKER_DEAD_AFTER_SECONDS = float(
    os.environ.get("DROPYARD_WORKER_DEAD_AFTER_SECONDS", "40")
)
# Periodic work: name → the task to enqueue (no arguments) and its period in seconds. Every
# `dropyard worker` runs the scheduler (core.scheduler); each period is enqueued once in all.
DROPYARD_PERIODIC_JOBS: dict[str, dict] = {
    "sandbox-carrier-resume": {
        "task": "dropyard.logistics.tasks.sandbox_carrier_resume",
        "every_seconds": 60,
    },
    # Parcels and orders follow tracking status changes (pending TrackingStatusChange rows);
    # also enqueued after each commit that records events, so this period bounds a retry.
    "tracking-changes-follow": {
        "task": "dropyard.fulfillment.tasks.tracking_changes_follow",
        "every_seconds": 5,
    },
    # The safety net of store order sync: every authorized store with order sync on is polled
    # for orders changed since its cursor (a lost webhook is picked up within this period).
    "stores-poll": {
        "task": "dropyard.stores.tasks.stores_poll_all",
        "every_seconds": 180,
    },
    # Automatic payment of imported store orders whose on-commit enqueue was lost.
    "stores-autopay": {
        "task": "dropyard.stores.tasks.stores_autopay_sweep",
        "every_seconds": 300,
    },
    # Listings follow the catalog: a cost or availability change marks them out of date, and
    # stores with "re-price on change" get the rules' new price (or available 0) pushed.
    "stores-listings-follow": {
        "task": "dropyard.stores.tasks.listings_follow",
        "every_seconds": 300,
    },
    # Tracking push-back to the stores: makes the push rows of shipped (and delivered) parcels
    # of store orders that have none yet, and tries the ones due (retries with backoff). Each
    # shipment also enqueues the push at once (DROPYARD_STORE_PARCEL_TASKS), so this period
    # bounds a retry and the delay when that enqueue was lost.
    "stores-tracking-push": {
        "task": "dropyard.stores.tasks.tracking_pushes_sweep",
        "every_seconds": 60,
    },
    # Inventory sync: stores with "push stock" on get the changed available quantities of
    # their connected variants (a batch per store per run).
    "stores-inventory-sync": {
        "task": "dropyard.stores.tasks.stores_inventory_sync_all",
        "every_seconds": 60,
    },
    # Shopify access tokens expire (60 min OAuth, 24 h client credentials): each is renewed
    # within its last 5 minutes (auth.REFRESH_MARGIN), so this period must stay below that.
    "stores-shopify-renew": {
        "task": "dropyard.stores.tasks.shopify_credentials_renew_all",
        "every_seconds": 120,
    },
    # Open disputes past their review due time: the assigned operator (or the merchant's agent)
    # is told once per dispute (aftersales.reminders; re-running reminds nobody twice).
    "aftersales-overdue-remind": {
        "task": "dropyard.aftersales.tasks.disputes_overdue_remind_task",
        "every_seconds": 900,
    },
    # Sourced products that sold raise their merchant's authority score, once per request.
    "sourcing-sold-credit": {
        "task": "dropyard.sourcing.tasks.sourcing_sold_credit_sweep_task",
        "every_seconds": 900,
    },
    # Rate-limit buckets that are full again are dropped (one row per client IP otherwise
    # stays forever); a full bucket and no bucket answer the same.
    "ratelimit-prune": {
        "task": "dropyard.core.tasks.ratelimit_buckets_prune",
        "every_seconds": 3600,
    },
    # Tickets awaiting the merchant's reply for DROPYARD_TICKET_EXPIRE_DAYS expire; API uploads
    # never attached to a ticket are deleted after a day.
    "tickets-expire": {
        "task": "dropyard.aftersales.tasks_tickets.tickets_expire",
        "every_seconds": 3600,
    },
    # Supplier earnings: a parcel shipped from a supplier warehouse by another door than the
    # supplier portal (the warehouse pages, the sandbox) is credited to the supplier's payable
    # here (idempotent per parcel; the portal credits in the shipping transaction itself).
    "supplier-earnings-sweep": {
        "task": "dropyard.suppliers.tasks_earnings.supplier_earnings_sweep_task",
        "every_seconds": 600,
    },
}
# Suppliers: the platform's commission on goods a supplier ships, in permille of the order
# lines' price (100 = 10%); the supplier's payable is credited the rest (wallet.supplier_ledger).
DROPYARD_SUPPLIER_COMMISSION_PERMILLE = int(
    os.environ.get("DROPYARD_SUPPLIER_COMMISSION_PERMILLE", "100")
)
if not 0 <= DROPYARD_SUPPLIER_COMMISSION_PERMILLE <= 1000:
    raise ImproperlyConfigured("DROPYARD_SUPPLIER_COMMISSION_PERMILLE must be 0 to 1000")
# Tasks that a parcel of a store order enqueues (after the commit, with parcel_id) when it ships
# or is delivered: fulfillment cannot import the stores app above it, so the wiring is here.
DROPYARD_STORE_PARCEL_TASKS: list[str] = ["dropyard.stores.tasks.tracking_push_parcel"]
# The demo's Sandbox store gets a shopper order this often (seconds; 0 = never). `./run start`
# turns it on; keep it off outside the demo.
DROPYARD_DEMO_SHOPPER_EVERY_SECONDS = int(
    os.environ.get("DROPYARD_DEMO_SHOPPER_EVERY_SECONDS", "0")
)
if DROPYARD_DEMO_SHOPPER_EVERY_SECONDS > 0:
    DROPYARD_PERIODIC_JOBS["demo-shopper"] = {
        "task": "dropyard.demo.tasks.demo_shopper_order",
        "every_seconds": DROPYARD_DEMO_SHOPPER_EVERY_SECONDS,
    }

# --- Cache ------------------------------------------------------------------------------------
if os.environ.get("DROPYARD_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["DROPYARD_REDIS_URL"],
        }
    }
else:
    # Shared by every process on this machine, so allauth's login throttling counts across all
    # web workers (a per-process memory cache would multiply the allowance).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
# Serve public uploads from Django itself (fine for one machine; off behind a web server/CDN).
DROPYARD_SERVE_MEDIA = env_bool("DROPYARD_SERVE_MEDIA", True)
# Private uploads (supplier documents) live outside MEDIA_ROOT and are served only by views that
# check permissions.
PRIVATE_MEDIA_ROOT = DATA_DIR / "private"
# Search by image fetches imageUrl from the network; private, loopback and link-local addresses
# are refused (SSRF) unless this is on (a closed network whose pictures live on internal hosts).
DROPYARD_IMAGE_FETCH_ALLOW_PRIVATE = env_bool("DROPYARD_IMAGE_FETCH_ALLOW_PRIVATE")
# Parcel photos (private) are fetched through signed links that expire after this many seconds.
DROPYARD_PARCEL_PHOTO_URL_MAX_AGE = int(
    os.environ.get("DROPYARD_PARCEL_PHOTO_URL_MAX_AGE", "86400")
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Security ---------------------------------------------------------------------------------
_HTTPS = SITE_URL.startswith("https://")
SESSION_COOKIE_HTTPONLY = True
# Served over https (DROPYARD_SITE_URL): cookies only travel over https and http redirects there.
SESSION_COOKIE_SECURE = env_bool("DROPYARD_SECURE_COOKIES", _HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DROPYARD_SSL_REDIRECT", _HTTPS)
# HSTS is opt-in: once browsers have seen it they refuse plain http for that long.
SECURE_HSTS_SECONDS = int(os.environ.get("DROPYARD_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Behind one trusted reverse proxy: honour its X-Forwarded-Proto, and take the client address from
# the last X-Forwarded-For entry (the one the proxy itself appended; earlier ones can be forged).
DROPYARD_BEHIND_PROXY = env_bool("DROPYARD_BEHIND_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if DROPYARD_BEHIND_PROXY else None
# Content-Security-Policy on every response (Django's ContentSecurityPolicyMiddleware). Scripts
# come only from our own static files: no inline <script>, no on*= handlers, no eval (htmx's
# allowEval is off), so an injected tag cannot run. Style sheets likewise; style="" attributes
# stay allowed (style-src-attr) because pages set widths and heights with them, and an attribute
# cannot load or run anything. Images may come from https hosts (object storage, store and
# supplier pictures) and data: URIs (Tabler's form icons, the two-factor QR code).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:", "https:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Each person picks one in their account menu (User.language, activated by UserLanguageMiddleware);
# the operator back office is translated into Simplified Chinese (locale/zh_Hans).
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Catalog search -----------------------------------------------------------------------------
# A keyword search's capped count runs on a second connection while the request's own
# connection reads the page (catalog.search_aside); threads per process.
DROPYARD_SEARCH_COUNT_ASIDE = env_bool("DROPYARD_SEARCH_COUNT_ASIDE", True)
DROPYARD_SEARCH_COUNT_THREADS = int(os.environ.get("DROPYARD_SEARCH_COUNT_THREADS") or "4")

# --- Developer API ----------------------------------------------------------------------------
# Per-account requests per second by account level (contract §3: levels 0-1 → 1/s, 2 → 2/s,
# 3 → 4/s, 4-5 → 6/s).
DROPYARD_API_QPS_BY_LEVEL = {0: 1, 1: 1, 2: 2, 3: 4, 4: 6, 5: 6}
DROPYARD_API_RATE_LIMITS_ENABLED = env_bool("DROPYARD_API_RATE_LIMITS", True)
# Requests an account may send at once (a token bucket refilling at its QPS; never fewer than the
# QPS): real clients chain createOrderV2 → addCart → addCartConfirm → saveGenerateParentOrder
# 0-300 ms apart.
DROPYARD_API_BURST = int(os.environ.get("DROPYARD_API_BURST") or "4")
# Requests per second per client IP on the public token endpoints (contract §3: 10/s per IP).
DROPYARD_API_PUBLIC_QPS_PER_IP = 10
DROPYARD_ACCESS_TOKEN_DAYS = 15
DROPYARD_REFRESH_TOKEN_DAYS = 180
# getAccessToken once per 5 minutes per account; refreshAccessToken 5 per minute (contract §1).
DROPYARD_TOKEN_EXCHANGE_INTERVAL_SECONDS = 300
DROPYARD_TOKEN_REFRESH_PER_MINUTE = 5

# --- Payment providers (wallet/providers) -----------------------------------------------------
# A provider is offered only when all of its credentials are set. Never commit real keys.
DROPYARD_STRIPE_SECRET_KEY = os.environ.get("DROPYARD_STRIPE_SECRET_KEY", "")
DROPYARD_STRIPE_WEBHOOK_SECRET = os.environ.get("DROPYARD_STRIPE_WEBHOOK_SECRET", "")
DROPYARD_PAYPAL_CLIENT_ID = os.environ.get("DROPYARD_PAYPAL_CLIENT_ID", "")
DROPYARD_PAYPAL_CLIENT_SECRET = os.environ.get("DROPYARD_PAYPAL_CLIENT_SECRET", "")
DROPYARD_PAYPAL_WEBHOOK_ID = os.environ.get("DROPYARD_PAYPAL_WEBHOOK_ID", "")
DROPYARD_PAYPAL_API_BASE = os.environ.get(
    "DROPYARD_PAYPAL_API_BASE", "https://api-m.sandbox.paypal.com"
)

# --- Outbound webhooks -----------------------------------------------------------------------
# Callbacks must be https and never localhost (contract §4); this lets http://localhost and
# 127.0.0.1 through for development and tests only.
DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST = env_bool("DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST", False)
DROPYARD_WEBHOOK_TIMEOUT_SECONDS = 3.0  # the receiver must answer within 3 s (contract §4)
DROPYARD_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("DROPYARD_WEBHOOK_MAX_ATTEMPTS", "5"))
# Retry n waits BACKOFF × 2^(n-1) seconds: 60, 120, 240, 480 by default.
DROPYARD_WEBHOOK_BACKOFF_SECONDS = int(os.environ.get("DROPYARD_WEBHOOK_BACKOFF_SECONDS", "60"))
# Pause a topic after this many failed attempts in a row (0: only the contract's hourly rule).
DROPYARD_WEBHOOK_PAUSE_AFTER_FAILURES = int(
    os.environ.get("DROPYARD_WEBHOOK_PAUSE_AFTER_FAILURES", "20")
)
# How long one worker run owns a delivery it is sending; must exceed the timeout. A run that
# dies mid-send is retried by the next run once this lease has expired.
DROPYARD_WEBHOOK_LEASE_SECONDS = int(os.environ.get("DROPYARD_WEBHOOK_LEASE_SECONDS", "30"))

# --- Logistics --------------------------------------------------------------------------------
# USD → CNY rate for the contract's *Cn price fields (an estimate shown to API clients; prices are
# kept and charged in USD). A Decimal string, never a float.
DROPYARD_CNY_PER_USD = os.environ.get("DROPYARD_CNY_PER_USD", "7.2")
# Seconds between two events of a Sandbox carrier parcel (its accelerated clock).
# Sandbox money: the instant Sandbox top-up, sandbox payment of orders and ``isSandbox`` orders.
# Off by default, because sandbox money is free: a live installation must not let merchants pay
# with it. ``./run start`` (the demo) turns it on; accounts flagged as sandbox accounts
# (MerchantAccount.is_sandbox) may always use it.
DROPYARD_SANDBOX_PAYMENTS = env_bool("DROPYARD_SANDBOX_PAYMENTS", False)

DROPYARD_SANDBOX_CARRIER_STEP_SECONDS = int(
    os.environ.get("DROPYARD_SANDBOX_CARRIER_STEP_SECONDS", "30")
)
# Public tracking page: lookups per client IP per minute.
DROPYARD_TRACKING_LOOKUPS_PER_MINUTE = int(
    os.environ.get("DROPYARD_TRACKING_LOOKUPS_PER_MINUTE", "30")
)

# --- After-sales --------------------------------------------------------------------------------
# The after-sales desk's calendar: deadlines count working days in this time zone, skipping
# these weekdays (Monday 0 … Sunday 6) and the holidays entered on the operator's calendar page.
DROPYARD_BUSINESS_TIMEZONE = os.environ.get("DROPYARD_BUSINESS_TIMEZONE", "") or TIME_ZONE
DROPYARD_WEEKEND_DAYS = tuple(
    int(day) for day in (os.environ.get("DROPYARD_WEEKEND_DAYS") or "5,6").split(",") if day
)
DROPYARD_DISPUTE_REVIEW_WORKING_DAYS = int(
    os.environ.get("DROPYARD_DISPUTE_REVIEW_WORKING_DAYS", "2")
)
# Tracking suggestions (aftersales.suggestions): a shipped parcel with no delivery this many
# days beyond its line's promised maximum is offered to the merchant as a dispute.
DROPYARD_DISPUTE_SUGGEST_GRACE_DAYS = int(
    os.environ.get("DROPYARD_DISPUTE_SUGGEST_GRACE_DAYS", "5")
)
DROPYARD_DISPUTE_VIDEO_MAX_BYTES = 50 * 1024 * 1024
# Returns (RMA): the code of the warehouse returns go to ("": the first active platform
# warehouse that accepts returns, China first), and the return shipping charged when no rate
# card prices the reverse route (customer's country → that warehouse), in USD cents.
DROPYARD_RETURNS_WAREHOUSE = os.environ.get("DROPYARD_RETURNS_WAREHOUSE", "").strip().upper()
DROPYARD_RETURNS_FLAT_FEE_MINOR = int(os.environ.get("DROPYARD_RETURNS_FLAT_FEE_MINOR", "1500"))
# Tickets to management: the desk answers within this many working days of the merchant's
# message (the SLA), and a ticket awaiting the merchant's reply expires after this many days.
DROPYARD_TICKET_SLA_WORKING_DAYS = int(os.environ.get("DROPYARD_TICKET_SLA_WORKING_DAYS", "1"))
DROPYARD_TICKET_EXPIRE_DAYS = int(os.environ.get("DROPYARD_TICKET_EXPIRE_DAYS", "7"))

# --- Uploads ----------------------------------------------------------------------------------
DROPYARD_SUPPLIER_DOC_MAX_BYTES = 5 * 1024 * 1024
DROPYARD_WIRE_PROOF_MAX_BYTES = 10 * 1024 * 1024

# --- Wallet top-ups ---------------------------------------------------------------------------
DROPYARD_TOPUP_MIN_MINOR = int(os.environ.get("DROPYARD_TOPUP_MIN_MINOR", "1000"))
# Fee rules per provider over wallet.topups.DEFAULT_TOPUP_FEES, as JSON, e.g.
# {"stripe": {"percent_bp": 290, "fixed_minor": 30, "absorbed_by": "merchant"}}.
DROPYARD_TOPUP_FEES = __import__("json").loads(os.environ.get("DROPYARD_TOPUP_FEES") or "{}")

# The platform's bank account that merchants wire top-ups to, shown on the wire top-up page.
# Unset (no IBAN/account number): the page says the operator has not configured it.
DROPYARD_BANK_NAME = os.environ.get("DROPYARD_BANK_NAME", "")
DROPYARD_BANK_ACCOUNT_NAME = os.environ.get("DROPYARD_BANK_ACCOUNT_NAME", "")
DROPYARD_BANK_IBAN = os.environ.get("DROPYARD_BANK_IBAN", "")
DROPYARD_BANK_SWIFT = os.environ.get("DROPYARD_BANK_SWIFT", "")
DROPYARD_BANK_REFERENCE_HINT = os.environ.get("DROPYARD_BANK_REFERENCE_HINT", "")

# --- Wallet payments and refunds --------------------------------------------------------------
# Discount for paying from the wallet, in basis points of each order's total (rounded down).
DROPYARD_WALLET_DISCOUNT_BPS = int(os.environ.get("DROPYARD_WALLET_DISCOUNT_BPS", "200"))
DROPYARD_WALLET_DISCOUNT_ON_PROVIDERS = env_bool("DROPYARD_WALLET_DISCOUNT_ON_PROVIDERS", False)
# Providers whose payments are refunded to their source instead of the wallet, e.g. "stripe".
DROPYARD_REFUND_TO_SOURCE = {name: True for name in env_list("DROPYARD_REFUND_TO_SOURCE")}

# --- Invoices ---------------------------------------------------------------------------------
# The platform's billing details printed on every invoice, receipt and credit note. Frozen into
# each document when it is issued. In the address, "\n" (backslash n) separates lines.
DROPYARD_BILLING_NAME = os.environ.get("DROPYARD_BILLING_NAME", "Dropyard")
DROPYARD_BILLING_ADDRESS = os.environ.get("DROPYARD_BILLING_ADDRESS", "").replace("\\n", "\n")
DROPYARD_BILLING_TAX_ID = os.environ.get("DROPYARD_BILLING_TAX_ID", "")
DROPYARD_BILLING_EMAIL = os.environ.get("DROPYARD_BILLING_EMAIL", "")
# Extra TrueType fonts (comma-separated paths) tried for characters DejaVu Sans lacks (CJK…).
DROPYARD_INVOICE_FALLBACK_FONTS = env_list("DROPYARD_INVOICE_FALLBACK_FONTS", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DROPYARD_LOG_LEVEL", "INFO")},
}

# --- Stores ---------------------------------------------------------------------------------
# Store credentials (access tokens, API keys) are encrypted at rest with these Fernet keys:
# the first encrypts, all decrypt (rotation: docs/configuration.md). Unset: one key derived
# from SECRET_KEY.
DROPYARD_STORE_KEYS = env_list("DROPYARD_STORE_KEYS", "")
# The built-in Sandbox store and Dropyard call each other over HTTP at SITE_URL; in-process
# (through Django's WSGI application, no listening server needed) when this is on.
DROPYARD_SANDBOX_STORE_IN_PROCESS = env_bool("DROPYARD_SANDBOX_STORE_IN_PROCESS", False)
# Largest webhook body a store may send (bigger ones answer 413 unread).
DROPYARD_STORE_WEBHOOK_MAX_BYTES = 1024 * 1024
# Shopify: the Admin GraphQL API version every call and webhook subscription uses (the version
# of the schema the adapter's documents are validated against in tests: peers/shopify-schema).
DROPYARD_SHOPIFY_API_VERSION = "2025-01"
# The public app's credentials (Partner Dashboard), for "Connect with Shopify" (OAuth). Unset:
# only the merchant's own Dev Dashboard app (client credentials) can be connected. Never in
# the repository: environment only.
DROPYARD_SHOPIFY_API_KEY = os.environ.get("DROPYARD_SHOPIFY_API_KEY", "")
DROPYARD_SHOPIFY_API_SECRET = os.environ.get("DROPYARD_SHOPIFY_API_SECRET", "")
DROPYARD_SHOPIFY_SCOPES = (
    "read_products,write_products,read_inventory,write_inventory,read_orders,"
    "read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders,"
    "read_locations"
)
