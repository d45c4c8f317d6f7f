"""Local development: debug on, plain HTTP, e-mails written to var/mail."""

import os

os.environ.setdefault("MAILLAGE_DEBUG", "1")
os.environ.setdefault("MAILLAGE_EMAIL_URL", "file://")

from .base import *  # noqa: F403
from .base import (
    STATIC_ROOT,
    VAR_DIR,
)

DEBUG = True
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
# Static files served from the apps in place, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
