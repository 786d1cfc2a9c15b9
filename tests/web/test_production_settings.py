"""Production settings (FORBETTER_ENV=production) pass Django's deployment check with no warnings, and refuse
to start when a setting would make them unsafe. Each case runs in a fresh interpreter, as a server would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "FORBETTER_ENV": "production",
    "SECRET_KEY": "k7Qv2-pX9rLm4Zt8Wc1Ny6Hb3Jd5Fs0Ga_Ue7Ro2Ti9Yp4Ek6Ml",
    "ALLOWED_HOSTS": "forbetter.example.gov.uk",
}
PRODUCTION_VARIABLES = (
    "DEBUG",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "CSRF_TRUSTED_ORIGINS",
)


def run(arguments: list[str], **overrides: str) -> subprocess.CompletedProcess[str]:
    # Set by the browser tests in this process (Playwright runs an event loop); never in a deployment.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION_VARIABLES and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env |= PRODUCTION | overrides
    return subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def check_deploy(**overrides: str) -> subprocess.CompletedProcess[str]:
    return run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **overrides)


def production_settings(**overrides: str) -> dict[str, object]:
    names = ["DEBUG", "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"]
    code = (
        "import json, forbetter.settings as s; "
        f"print(json.dumps({{name: getattr(s, name) for name in {names!r}}}))"
    )
    result = run(["-c", code], **overrides)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_production_passes_the_deployment_check_with_no_warnings() -> None:
    result = check_deploy()
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_deployment_check_catches_a_weakened_setting() -> None:
    result = check_deploy(SECURE_HSTS_SECONDS="0", SESSION_COOKIE_SECURE="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr
    assert "security.W012" in result.stderr


def test_production_refuses_a_short_secret_key() -> None:
    result = run(["manage.py", "check"], SECRET_KEY="too-short")
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 random characters" in result.stderr


def test_production_refuses_debug() -> None:
    result = run(["manage.py", "check"], DEBUG="1")
    assert result.returncode != 0
    assert "DEBUG must be off with FORBETTER_ENV=production" in result.stderr


def test_production_refuses_a_flag_that_is_not_yes_or_no() -> None:
    result = run(["manage.py", "check"], SECURE_SSL_REDIRECT="sometimes")
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT must be 1 or 0 (or true or false), not 'sometimes'" in result.stderr


def test_the_proxy_header_and_redirect_follow_the_environment() -> None:
    assert production_settings() == {
        "DEBUG": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
    }
    changed = production_settings(
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Scheme: https",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="600",
    )
    assert changed["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_SCHEME", "https"]
    assert changed["SECURE_SSL_REDIRECT"] is False
    assert changed["SECURE_HSTS_SECONDS"] == 600
    assert production_settings(SECURE_PROXY_SSL_HEADER="none")["SECURE_PROXY_SSL_HEADER"] is None
