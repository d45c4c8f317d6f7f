"""Production settings: safe by default, configured from the environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MAILLAGE_", "DJANGO_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_variables(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "MAILLAGE_SECRET_KEY": "x" * 20
            + "production-secret-key-with-enough-entropy-1234567890",
            "MAILLAGE_ALLOWED_HOSTS": "maillage.example.coop",
            "MAILLAGE_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stderr


def test_debug_is_off_and_https_enforced_by_default(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
    )
    result = _manage(
        "shell",
        "-c",
        code,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.base", "MAILLAGE_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["False", "True", "True", "True"]
    # Without MAILLAGE_SECRET_KEY a random key is generated once and kept private.
    key_file = tmp_path / "secret_key"
    assert key_file.exists()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_database_url_selects_the_database(tmp_path):
    code = "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'])"
    result = _manage(
        "shell",
        "-c",
        code,
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "MAILLAGE_VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://u:p@db.example:5432/maillage",
        },
    )
    assert result.stdout.strip().splitlines()[-1] == "django.db.backends.postgresql"
