"""With WIJKKOMPAS_ENV=production the site tells browsers to use HTTPS only (HSTS).

Production settings are read once, when Django starts, so this runs Django in a subprocess with a
production environment and asks it for a page over HTTPS directly, over HTTPS through a trusted
proxy, and through someone who only claims to be one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .test_config import GOOD_CODE_KEY, GOOD_KEY

pytestmark = pytest.mark.slow

ASK = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="wijk.example.nl")
answers = [
    client.get("/api/v1/openapi.json", secure=True),
    client.get("/api/v1/openapi.json", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_PROTO="https"),
    client.get("/api/v1/openapi.json", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_PROTO="https"),
    client.get("/api/v1/openapi.json"),
]
print(json.dumps([a.headers.get("Strict-Transport-Security") for a in answers]))
"""


def _hsts_headers(tmp_path: Path, env_name: str) -> list[str | None]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WIJKKOMPAS_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="wijkkompas.web.settings",
        WIJKKOMPAS_ENV=env_name,
        WIJKKOMPAS_SECRET_KEY=GOOD_KEY,
        WIJKKOMPAS_CODE_KEY=GOOD_CODE_KEY,
        WIJKKOMPAS_ALLOWED_HOSTS="wijk.example.nl",
        WIJKKOMPAS_TRUSTED_PROXIES="10.0.0.1",
        WIJKKOMPAS_VAR_DIR=str(tmp_path / "var"),
    )
    done = subprocess.run(
        [sys.executable, "-c", ASK], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_production_sends_hsts_over_https_also_behind_a_trusted_proxy(tmp_path: Path) -> None:
    direct, proxied, pretender, plain = _hsts_headers(tmp_path, "production")
    assert direct == proxied == "max-age=31536000"
    assert pretender is None  # X-Forwarded-Proto from an address that is not our proxy
    assert plain is None  # HSTS over plain HTTP means nothing to a browser, and is not sent


def test_development_sends_no_hsts(tmp_path: Path) -> None:
    assert _hsts_headers(tmp_path, "development") == [None, None, None, None]
