"""The typed settings object: defaults for a developer, refusal of an insecure production setup."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from wijkkompas.errors import WijkkompasError
from wijkkompas.web.config import DEVELOPMENT_SECRET_KEY, load_config

GOOD_KEY = "k7Yq2-Vb9xLr_3NwPz8aTe5HmJc4UdSg6QfRo1Ki0WyXnBvClEjAsDuGhIt"
GOOD_CODE_KEY = "Qm4_tR8zXc2-Lp7WvN3bYh6KsD9fGj5AeU1oVi0TwZyMnBxCqEr-SaHu"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Each test starts from an environment without any WIJKKOMPAS_ setting."""
    for name in list(os.environ):
        if name.startswith("WIJKKOMPAS_"):
            monkeypatch.delenv(name)
    return monkeypatch


def production(monkeypatch: pytest.MonkeyPatch, **values: str | None) -> None:
    """A production environment, with ``values`` replacing good ones (None: leave unset)."""
    settings: dict[str, str | None] = {
        "ENV": "production",
        "SECRET_KEY": GOOD_KEY,
        "CODE_KEY": GOOD_CODE_KEY,
        "ALLOWED_HOSTS": "wijk.example.nl",
    }
    settings.update(values)
    for name, value in settings.items():
        if value is None:
            continue
        monkeypatch.setenv(f"WIJKKOMPAS_{name}", value)


def test_development_defaults_put_everything_under_var(monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config()
    assert config.ENV == "development"
    assert config.debug is True
    assert config.secret_key == DEVELOPMENT_SECRET_KEY
    assert config.store.name == "wijkkompas.duckdb"
    assert config.store.parent == config.var_dir
    assert config.var_dir.name == "var"
    assert (config.var_dir.parent / "pyproject.toml").is_file()
    assert config.database_url == f"sqlite:///{config.var_dir / 'app.sqlite3'}"
    assert config.static_root == config.var_dir / "static"
    assert "localhost" in config.allowed_hosts


def test_var_dir_and_store_can_be_moved(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WIJKKOMPAS_VAR_DIR", str(tmp_path / "elsewhere"))
    config = load_config()
    assert config.store == tmp_path / "elsewhere" / "wijkkompas.duckdb"
    assert config.database_url == f"sqlite:///{tmp_path / 'elsewhere' / 'app.sqlite3'}"
    monkeypatch.setenv("WIJKKOMPAS_STORE", str(tmp_path / "mine.duckdb"))
    monkeypatch.setenv("WIJKKOMPAS_DATABASE_URL", "postgres://u:p@db:5432/wijkkompas")
    config = load_config()
    assert config.store == tmp_path / "mine.duckdb"
    assert config.database_url == "postgres://u:p@db:5432/wijkkompas"


def test_every_other_store_has_its_own_app_database_beside_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Real data never shares people, plans or the demo accounts with the demo's database."""
    monkeypatch.setenv("WIJKKOMPAS_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("WIJKKOMPAS_STORE", str(tmp_path / "data" / "amsterdam.duckdb"))
    config = load_config()
    assert config.database_url == f"sqlite:///{tmp_path / 'data' / 'amsterdam.app.sqlite3'}"
    monkeypatch.setenv("WIJKKOMPAS_STORE", str(tmp_path / "var" / "wijkkompas.duckdb"))
    assert load_config().database_url == f"sqlite:///{tmp_path / 'var' / 'app.sqlite3'}"


def test_a_secure_production_configuration_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch, ALLOWED_HOSTS="wijk.example.nl, www.wijk.example.nl")
    config = load_config()
    assert config.debug is False
    assert config.secret_key == GOOD_KEY
    assert config.allowed_hosts == ["wijk.example.nl", "www.wijk.example.nl"]


@pytest.mark.parametrize(
    ("values", "complaint"),
    [
        ({"SECRET_KEY": None}, "WIJKKOMPAS_SECRET_KEY is not set"),
        ({"SECRET_KEY": "django-insecure-" + "a1b2c3d4e5" * 6}, "placeholder"),
        ({"SECRET_KEY": "change-me"}, "placeholder"),
        ({"SECRET_KEY": "Zr8pLk2qWm"}, "too short"),
        ({"SECRET_KEY": "ab" * 40}, "too simple"),
        ({"DEBUG": "true"}, "WIJKKOMPAS_DEBUG is on"),
        ({"ALLOWED_HOSTS": ""}, "WIJKKOMPAS_ALLOWED_HOSTS is not set"),
        ({"CODE_KEY": None}, "WIJKKOMPAS_CODE_KEY is not set"),
        (
            {"CODE_KEY": "change-me-" + "a1b2c3d4e5" * 5},
            "WIJKKOMPAS_CODE_KEY looks like a placeholder",
        ),
        ({"CODE_KEY": "Zr8pLk2qWm"}, "WIJKKOMPAS_CODE_KEY is too short"),
    ],
)
def test_an_insecure_production_configuration_is_refused(
    monkeypatch: pytest.MonkeyPatch, values: dict[str, str | None], complaint: str
) -> None:
    production(monkeypatch, **values)
    with pytest.raises(WijkkompasError, match=complaint) as refused:
        load_config()
    assert "WIJKKOMPAS_ENV=production" in str(refused.value)


def test_development_and_test_accept_the_development_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for env in ("development", "test"):
        monkeypatch.setenv("WIJKKOMPAS_ENV", env)
        monkeypatch.setenv("WIJKKOMPAS_DEBUG", "true")
        assert load_config().secret_key == DEVELOPMENT_SECRET_KEY


def test_a_wrong_value_is_one_readable_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIJKKOMPAS_ENV", "prod")
    with pytest.raises(WijkkompasError, match="WIJKKOMPAS_ENV: Input should be"):
        load_config()


def test_django_settings_come_from_the_config() -> None:
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "nl"
    assert [code for code, _name in settings.LANGUAGES] == ["nl", "en"]
    prefixes = {entry[0] for entry in settings.STATICFILES_DIRS if isinstance(entry, tuple)}
    assert prefixes == {"vendor/leaflet", "vendor/utrecht", "vendor/tokens", "vendor/htmx"}
    assert Path(settings.STATIC_ROOT).name == "static"
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE


def test_trusted_proxies_are_addresses_or_networks(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_config().trusted_proxies == ()
    monkeypatch.setenv("WIJKKOMPAS_TRUSTED_PROXIES", "10.0.0.1, 192.168.0.0/16,2001:db8::/64")
    assert [str(n) for n in load_config().trusted_proxies] == [
        "10.0.0.1/32",
        "192.168.0.0/16",
        "2001:db8::/64",
    ]
    monkeypatch.setenv("WIJKKOMPAS_TRUSTED_PROXIES", "10.0.0.1, proxy.example.nl")
    with pytest.raises(WijkkompasError, match=r"WIJKKOMPAS_TRUSTED_PROXIES.*proxy\.example\.nl"):
        load_config()


def test_codes_have_their_own_key_with_retired_keys_after_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load_config().code_keys == (DEVELOPMENT_SECRET_KEY,)  # development: as before
    production(monkeypatch, CODE_KEYS_OLD=f"{GOOD_KEY}, ouder-nog")
    config = load_config()
    assert config.code_keys == (GOOD_CODE_KEY, GOOD_KEY, "ouder-nog")
    assert GOOD_CODE_KEY not in repr(config) and GOOD_KEY not in repr(config)


def test_retired_secret_keys_keep_sessions_and_sealed_ballots_valid(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    production(monkeypatch, SECRET_KEYS_OLD="de-vorige-sleutel, nog-een")
    config = load_config()
    assert config.secret_keys_old == ["de-vorige-sleutel", "nog-een"]
    assert "de-vorige-sleutel" not in repr(config)


def test_the_missing_code_key_message_says_how_to_keep_printed_codes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    production(monkeypatch, CODE_KEY=None)
    with pytest.raises(WijkkompasError) as refused:
        load_config()
    assert "WIJKKOMPAS_CODE_KEYS_OLD" in str(refused.value)


def test_every_setting_is_explained_in_the_readme() -> None:
    from wijkkompas.paths import project_root
    from wijkkompas.web.config import WebConfig

    root = project_root()
    if root is None:
        pytest.skip("not running from a checkout")
    readme = (root / "README.md").read_text(encoding="utf-8")
    missing = [
        f"WIJKKOMPAS_{name}"
        for name in WebConfig.model_fields
        if not re.search(rf"`WIJKKOMPAS_{name}\b", readme)
    ]
    assert missing == []
