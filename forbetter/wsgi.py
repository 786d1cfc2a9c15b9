"""WSGI entry point for gunicorn: ``gunicorn forbetter.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forbetter.settings")
application = get_wsgi_application()
