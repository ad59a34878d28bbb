"""The web app's settings as one typed object, read from ``WIJKKOMPAS_*`` environment variables.

Django's ``settings.py`` is built from this object only, so every knob is documented, typed and
validated in one place, and an insecure production configuration refuses to start instead of
running with a guessable key or with tracebacks shown to visitors.

``WIJKKOMPAS_VAR_DIR`` moves everything written at run time (app database, analytic store,
collected static files) in one go; see :mod:`wijkkompas.paths`.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from wijkkompas.errors import WijkkompasError
from wijkkompas.paths import project_root, var_dir

Environment = Literal["development", "test", "production"]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

DEVELOPMENT_SECRET_KEY = "wijkkompas-development-only-insecure-key-never-use-this-in-production"
"""Signs sessions and CSRF tokens on a developer's machine; refused outside development/test."""

LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]

_PLACEHOLDER_MARKERS = ("insecure", "change", "placeholder", "example", "secret", "xxx", "todo")
_MIN_SECRET_LENGTH = 50
_MIN_SECRET_UNIQUE_CHARACTERS = 5
_GENERATE_HINT = (
    "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))' "
    "and set it as WIJKKOMPAS_SECRET_KEY."
)


_CODE_KEY_MISSING = (
    "It keys the hashes of residents' printed codes, apart from WIJKKOMPAS_SECRET_KEY, so that "
    "rotating that key does not invalidate every letter. If this installation already made "
    "codes, also set WIJKKOMPAS_CODE_KEYS_OLD to the current WIJKKOMPAS_SECRET_KEY, so that "
    "those codes keep working."
)


def _weak_key(name: str, key: str, missing: str = "") -> str | None:
    """What is wrong with a production key, in words that say how to fix it; None if fine."""
    hint = _GENERATE_HINT.replace("WIJKKOMPAS_SECRET_KEY", f"WIJKKOMPAS_{name}")
    if not key:
        return " ".join(filter(None, [f"WIJKKOMPAS_{name} is not set.", missing, hint]))
    if any(marker in key.lower() for marker in _PLACEHOLDER_MARKERS):
        return f"WIJKKOMPAS_{name} looks like a placeholder. {hint}"
    if len(key) < _MIN_SECRET_LENGTH or len(set(key)) < _MIN_SECRET_UNIQUE_CHARACTERS:
        return (
            f"WIJKKOMPAS_{name} is too short or too simple (it needs at least "
            f"{_MIN_SECRET_LENGTH} characters, {_MIN_SECRET_UNIQUE_CHARACTERS} of them "
            f"different). {hint}"
        )
    return None


class WebConfig(BaseSettings):
    """Everything the web app can be told from outside, with defaults for a developer's machine."""

    model_config = SettingsConfigDict(
        env_prefix="WIJKKOMPAS_", case_sensitive=False, extra="ignore", frozen=True
    )

    ENV: Environment = "development"
    SECRET_KEY: SecretStr | None = None
    """Signs sessions and cookies and seals the ballots of an open vote. Rotating it logs
    everyone out; during a vote keep the old key in ``SECRET_KEYS_OLD`` until the vote closes."""
    SECRET_KEYS_OLD: Annotated[list[SecretStr], NoDecode] | None = None
    """Comma-separated retired secret keys (Django's ``SECRET_KEY_FALLBACKS``): sessions signed
    with them stay valid, and the ballots sealed with them open at the close."""
    CODE_KEY: SecretStr | None = None
    """Keys the hashes of residents' printed codes, apart from ``SECRET_KEY`` so that rotating
    that one leaves every letter valid. Required in production; elsewhere the secret key."""
    CODE_KEYS_OLD: Annotated[list[SecretStr], NoDecode] | None = None
    """Comma-separated retired code keys, still accepted for codes printed under them; a code is
    moved to the current key when it is used. Drop a key once its letters are used or void."""
    DEBUG: bool | None = None
    """Default: on in development, off otherwise."""
    DATABASE_URL: str | None = None
    """The app database (people, plans, ballots). Default: SQLite at ``<var>/app.sqlite3`` for
    the default store, and beside any other store (``amsterdam.duckdb`` →
    ``amsterdam.app.sqlite3``), so real data never shares people, plans or the demo accounts
    with the demo."""
    STORE: Path | None = None
    """The analytic store (DuckDB). Default: ``<var>/wijkkompas.duckdb``."""
    ALLOWED_HOSTS: Annotated[list[str], NoDecode] | None = None
    """Comma-separated host names. Default: local host names, except in production."""
    VAR_DIR: Path | None = None
    """Where run-time files go. Default: ``<checkout>/var``."""
    NODE_MODULES: Path | None = None
    """The npm packages served as static files. Default: ``<checkout>/node_modules``."""
    PDF_RENDERS: Annotated[int, Field(ge=1, le=64)] = 1
    """How many PDF reports this machine renders at once, over all web workers (about a second
    of CPU each); further requests get 503 with Retry-After. Keep it below the worker count so
    pages keep answering. Default: 1 (``wijkkompas serve`` starts two workers)."""
    TRUSTED_PROXIES: Annotated[list[str], NoDecode] | None = None
    """Comma-separated addresses or networks (``10.0.0.2``, ``10.0.0.0/24``) of the reverse
    proxies in front of the app. Only requests from these have their ``X-Forwarded-For`` (the
    client's address, used to count failed logins and codes) and ``X-Forwarded-Proto`` (HTTPS)
    believed. Default: none, and both headers are ignored."""
    PHOTO_MAX_PIXELS: Annotated[int, Field(gt=0)] = 40_000_000
    """The most pixels (width × height) an uploaded photo may have; larger ones are refused
    from their header, before a pixel is decoded. Decoding costs 3 to 4 bytes a pixel, so 40
    megapixels is about 160 MB per upload at worst, and it is more than any phone photo that
    fits the 5 MB upload limit (a 12 MP phone photo is 2 to 4 MB). A PNG of 13,300 × 13,300 px
    is only 0.7 MB on disk but would take 1.7 GB to decode."""
    UPLOAD_MAX_MB: Annotated[int, Field(ge=1, le=100_000)] = 256
    """The most an analyst may upload at once on the data page (``/beheer/gegevens/``), all
    files of one import together, in megabytes (MiB). A larger upload is refused from its
    ``Content-Length``, before a byte is written. 256 MB holds every CBS table and the
    boundaries of a gemeente; the whole-country wijk- en buurtkaart (GeoPackage, some 400 MB)
    is better imported on the command line, or raise this. An import reads each file into
    memory whole, as ``wijkkompas import`` does: allow the web workers that much."""

    @field_validator(
        "ALLOWED_HOSTS", "TRUSTED_PROXIES", "CODE_KEYS_OLD", "SECRET_KEYS_OLD", mode="before"
    )
    @classmethod
    def _split_list(cls, value: object) -> object:
        # A comma-separated list is what people write in an environment variable, not JSON.
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("TRUSTED_PROXIES")
    @classmethod
    def _proxies_are_networks(cls, value: list[str] | None) -> list[str] | None:
        for item in value or []:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    f"{item!r} is not an IP address or network; list the proxies' addresses "
                    f"(e.g. 10.0.0.2 or 10.0.0.0/24), not their names"
                ) from None
        return value

    @model_validator(mode="after")
    def _refuse_insecure_production(self) -> WebConfig:
        if self.ENV in ("development", "test"):
            return self
        problems: list[str] = []
        for name, value, missing in (
            ("SECRET_KEY", self.SECRET_KEY, ""),
            ("CODE_KEY", self.CODE_KEY, _CODE_KEY_MISSING),
        ):
            problem = _weak_key(name, value.get_secret_value() if value else "", missing)
            if problem:
                problems.append(problem)
        if self.DEBUG:
            problems.append(
                "WIJKKOMPAS_DEBUG is on, which shows tracebacks and settings to every visitor. "
                "Remove it or set WIJKKOMPAS_DEBUG=false."
            )
        if not self.ALLOWED_HOSTS:
            problems.append(
                "WIJKKOMPAS_ALLOWED_HOSTS is not set. Set it to the host name(s) the site is "
                "reached on, comma-separated, e.g. WIJKKOMPAS_ALLOWED_HOSTS=wijkkompas.gemeente.nl."
            )
        if problems:
            raise WijkkompasError(
                f"The web app refuses to start with WIJKKOMPAS_ENV={self.ENV}: "
                + " ".join(problems)
            )
        return self

    # Resolved values: what settings.py reads. Properties, so the raw fields keep saying what the
    # user actually set (None = "not set, use the default").

    @property
    def var_dir(self) -> Path:
        return (self.VAR_DIR or var_dir()).resolve()

    @property
    def secret_key(self) -> str:
        if self.SECRET_KEY:
            return self.SECRET_KEY.get_secret_value()
        return DEVELOPMENT_SECRET_KEY

    @property
    def secret_keys_old(self) -> list[str]:
        return [key.get_secret_value() for key in self.SECRET_KEYS_OLD or []]

    @property
    def code_keys(self) -> tuple[str, ...]:
        """The key codes are hashed with now, then the retired ones that are still accepted."""
        current = self.CODE_KEY.get_secret_value() if self.CODE_KEY else self.secret_key
        return (current, *(key.get_secret_value() for key in self.CODE_KEYS_OLD or []))

    @property
    def debug(self) -> bool:
        return self.ENV == "development" if self.DEBUG is None else self.DEBUG

    @property
    def database_url(self) -> str:
        return self.DATABASE_URL or f"sqlite:///{self.app_database_file}"

    @property
    def app_database_file(self) -> Path:
        """The default SQLite app database: one per store, so each store has its own people."""
        default_store = (self.var_dir / "wijkkompas.duckdb").resolve()
        if self.store == default_store:
            return self.var_dir / "app.sqlite3"
        return self.store.with_name(f"{self.store.stem}.app.sqlite3")

    @property
    def store(self) -> Path:
        return (self.STORE or self.var_dir / "wijkkompas.duckdb").resolve()

    @property
    def allowed_hosts(self) -> list[str]:
        if self.ALLOWED_HOSTS is not None:
            return list(self.ALLOWED_HOSTS)
        return [] if self.ENV == "production" else list(LOCAL_HOSTS)

    @property
    def trusted_proxies(self) -> tuple[Network, ...]:
        return tuple(
            ipaddress.ip_network(item, strict=False) for item in self.TRUSTED_PROXIES or []
        )

    @property
    def static_root(self) -> Path:
        return self.var_dir / "static"

    @property
    def node_modules(self) -> Path:
        if self.NODE_MODULES:
            return self.NODE_MODULES.resolve()
        return (project_root() or Path.cwd()) / "node_modules"


def load_config() -> WebConfig:
    """Read the configuration, turning any mistake into one message a person can act on."""
    try:
        return WebConfig()
    except ValidationError as exc:
        details = "; ".join(
            f"WIJKKOMPAS_{'_'.join(str(part) for part in error['loc']).upper()}: {error['msg']}"
            for error in exc.errors()
        )
        raise WijkkompasError(f"The web app's configuration is not valid: {details}.") from None
