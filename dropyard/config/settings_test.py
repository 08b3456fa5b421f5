"""Test settings: the real settings with fast hashing, in-memory mail and the dummy task backend.

``DATABASE_URL`` still selects the database, so CI runs the same suite on SQLite and PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault("DROPYARD_DATA_DIR", tempfile.mkdtemp(prefix="dropyard-test-"))
os.environ.setdefault("DROPYARD_SECRET_KEY", "test-only-secret-key-not-for-production")
# Demo product pictures are deterministic drawings: draw each once for every test session.
os.environ.setdefault(
    "DROPYARD_DEMO_PICTURE_CACHE", os.path.join(tempfile.gettempdir(), "dropyard-demo-pictures")
)

from dropyard.config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# allauth's login throttling would make the suite order-dependent; its own tests cover it.
ACCOUNT_RATE_LIMITS = False
# Rate-limit tests switch this on with the `settings` fixture.
DROPYARD_API_RATE_LIMITS_ENABLED = False
# The count on a second connection keeps that connection open past a test, and the test
# database cannot be dropped while one is open; its own tests switch it on and close them.
DROPYARD_SEARCH_COUNT_ASIDE = False
ALLOWED_HOSTS = ["*"]
WHITENOISE_USE_FINDERS = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SECURE_SSL_REDIRECT = False
# Tests deliver webhooks to a receiver on 127.0.0.1 over http.
DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST = True

# The suite exercises the sandbox payment paths; tests of the refusal override this.
DROPYARD_SANDBOX_PAYMENTS = True
# The Sandbox store and Dropyard call each other through the WSGI application, in-process.
DROPYARD_SANDBOX_STORE_IN_PROCESS = True
