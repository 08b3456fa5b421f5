"""WSGI entry point (gunicorn, through ``dropyard serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dropyard.config.settings")
application = get_wsgi_application()
