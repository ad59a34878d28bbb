"""WSGI entry point for gunicorn (``wijkkompas.web.wsgi:application``)."""

import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wijkkompas.web.settings")

application = get_wsgi_application()

# Import the views (and with them pandas and DuckDB, seconds on a cold disk) now instead of on
# the first request; with gunicorn --preload that happens once, before the workers fork.
import_module(settings.ROOT_URLCONF)
