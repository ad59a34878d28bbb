"""Setting the web app up and serving it; called by ``wijkkompas serve`` and ``make prepare``.

``run`` serves production-style (gunicorn, DEBUG off, static files collected and served by
WhiteNoise) even on a developer's machine, so what people try out is what gets deployed.
Django's runserver is only the fallback when gunicorn is not installed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import ipaddress
import os
import sys
from pathlib import Path

from wijkkompas.errors import WijkkompasError
from wijkkompas.web.config import DEVELOPMENT_SECRET_KEY, LOCAL_HOSTS, WebConfig, load_config
from wijkkompas.web.i18n import compile_messages, stale_catalogues

SETTINGS_MODULE = "wijkkompas.web.settings"
GUNICORN_WORKERS = 2
ACCESS_LOG_FORMAT = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
"""Time, request line, status, size, duration: what operations need, nothing about who."""
_STAMP_NAME = ".wijkkompas-collected"
_WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def _say(message: str) -> None:
    print(f"wijkkompas: {message}", file=sys.stderr, flush=True)


def _setup_django() -> WebConfig:
    """Validate the configuration first, so a mistake is one message rather than a traceback."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    config = load_config()
    config.var_dir.mkdir(parents=True, exist_ok=True)
    if config.DATABASE_URL is None:
        config.app_database_file.parent.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    return config


def _static_sources_digest() -> str:
    """A fingerprint of every file collectstatic would copy (path, size, mtime) and the storage."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    entries = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            prefix = getattr(storage, "prefix", None) or ""
            entries.append(f"{prefix}/{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    for entry in sorted(entries):
        digest.update(entry.encode() + b"\n")
    return digest.hexdigest()


def collect_static(force: bool = False) -> bool:
    """Run collectstatic unless the collected files are already current; True if it ran.

    With hashed file names collectstatic post-processes every file each time (seconds), so
    a fingerprint of the sources decides instead of always running it.
    """
    from django.conf import settings
    from django.core.management import call_command

    missing = [
        str(entry[1])
        for entry in settings.STATICFILES_DIRS
        if isinstance(entry, tuple) and not Path(entry[1]).is_dir()
    ]
    if missing:
        raise WijkkompasError(
            f"The front-end packages are not installed ({', '.join(missing)} is missing). Run "
            f"`npm ci` in the folder with package.json, or set WIJKKOMPAS_NODE_MODULES to "
            f"where they are (now: {settings.CONFIG.node_modules})."
        )
    stamp = Path(settings.STATIC_ROOT) / _STAMP_NAME
    digest = _static_sources_digest()
    if not force and stamp.is_file() and stamp.read_text().strip() == digest:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(digest + "\n")
    return True


def setup_app_database() -> WebConfig:
    """Django set up and the app database migrated: what any command that adds people needs."""
    config = _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return config


def prepare() -> None:
    """Everything serving needs, without serving: translations, app database, static files."""
    setup_app_database()
    compile_messages()
    collect_static()
    from wijkkompas.web.apps.plans.demo import DEMO_GEMEENTE, prepare_demo
    from wijkkompas.web.apps.plans.selectors.monitor import store_has_gemeente

    # The demo plan and its accounts (with a published password) only on the demo data.
    if store_has_gemeente(DEMO_GEMEENTE):
        prepare_demo()
        from wijkkompas.web.apps.participation.demo import prepare_participation_demo

        prepare_participation_demo()


def _server_environment(config: WebConfig, host: str) -> dict[str, str]:
    """The environment gunicorn runs in: the user's, plus production-style defaults."""
    env = dict(os.environ)
    env.setdefault("WIJKKOMPAS_DEBUG", "false")
    if "WIJKKOMPAS_ALLOWED_HOSTS" not in os.environ and config.ENV != "production":
        extra = "*" if host in _WILDCARD_HOSTS else host
        env["WIJKKOMPAS_ALLOWED_HOSTS"] = ",".join([*LOCAL_HOSTS, extra])
    return env


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def network_warnings(config: WebConfig, host: str, *, demo_accounts: bool) -> list[str]:
    """What to say before serving beyond this machine with what only a demo should have.

    ``make demo HOST=0.0.0.0`` is a handy way to show the demo on a laptop in a meeting, but it
    also offers the published demo passwords and codes, and a site keyed with the development key
    that anyone can read in the source, to everyone on the network.
    """
    if _is_loopback(host):
        return []
    warnings = []
    if config.secret_key == DEVELOPMENT_SECRET_KEY:
        warnings.append(
            f"warning: serving to the network ({host}) with the public development key "
            f"(WIJKKOMPAS_SECRET_KEY is not set): what it signs and the resident codes it keys "
            f"are only as secret as the source code. Fine for showing the demo on a trusted "
            f"network; for anything else set WIJKKOMPAS_SECRET_KEY (and WIJKKOMPAS_ENV=production)."
        )
    if demo_accounts:
        warnings.append(
            f"warning: the demo accounts (published password) and the public demo codes "
            f"(DEMO-2026-0001 and on) work for everyone who can reach {host}. Never put real "
            f"people's data in this database."
        )
    return warnings


def _gunicorn_has_control_socket() -> bool:
    from gunicorn import config

    # Added in gunicorn 25; older releases reject the flag.
    return any(setting.name == "control_socket_disable" for setting in config.KNOWN_SETTINGS)


def _bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def run(host: str, port: int, store: Path) -> None:
    """Prepare and serve the app on ``store``; gunicorn replaces this process (no return)."""
    os.environ["WIJKKOMPAS_STORE"] = str(Path(store).resolve())
    config = _setup_django()
    from django.core.management import call_command
    from django.db import connections

    if stale_catalogues():
        try:
            compile_messages()
        except WijkkompasError as exc:
            _say(f"{exc} The site is served in Dutch only until then.")
    call_command("migrate", interactive=False, verbosity=0)
    collect_static()
    from wijkkompas.web.apps.accounts.demo import demo_accounts_exist, demo_accounts_warning

    in_production = demo_accounts_warning()
    if in_production:
        _say(f"warning: {in_production}")
    for warning in network_warnings(config, host, demo_accounts=demo_accounts_exist()):
        _say(warning)
    connections.close_all()
    if not config.store.is_file():
        _say(
            f"there is no analytic store at {config.store} yet; the site says so until you run "
            f"`wijkkompas --store {config.store} demo` (or import data)."
        )
    url_host = f"[{host}]" if ":" in host else host
    _say(f"serving http://{url_host}:{port}/ (store: {config.store}); stop with Ctrl+C")

    if importlib.util.find_spec("gunicorn") is None:
        _say("gunicorn is not installed; falling back to Django's development server.")
        call_command("runserver", _bind_address(host, port), use_reloader=False)
        return
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        _bind_address(host, port),
        "--workers",
        str(GUNICORN_WORKERS),
        "--access-logfile",
        "-",
        # No client address or browser in the log: residents' requests are personal data, and a
        # log is kept and copied far longer than anyone intends (AVG art. 5(1)(c)).
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--graceful-timeout",
        "10",
        "--preload",
        "wijkkompas.web.wsgi:application",
    ]
    if _gunicorn_has_control_socket():
        # The control socket lives at one path in the home folder: a second server (or a test
        # run beside a demo) would fight over it, and nothing here uses it.
        argv.insert(-1, "--no-control-socket")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, argv, _server_environment(config, host))
