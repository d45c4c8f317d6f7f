"""Tests: SQLite in memory unless DATABASE_URL says otherwise; fast hashing; e-mail in memory."""

import os
import tempfile

os.environ.setdefault("MAILLAGE_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("MAILLAGE_VAR_DIR", tempfile.mkdtemp(prefix="maillage-test-"))
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

from .base import *  # noqa: F403
from .base import STATIC_ROOT

DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
# Static files served from the apps in place, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
