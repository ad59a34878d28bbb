"""Setting the web app up and serving it; called by ``wijkkompas serve`` and ``make prepare``.

``run`` serves production-style (gunicorn, DEBUG off, static files collected and served by
WhiteNoise) even on a developer's machine, so what people try out is what gets deployed.
Django's runserver is only the fallback when gunicorn is not installed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from pathlib import Path

from wijkkompas.errors import WijkkompasError
from wijkkompas.web.config import LOCAL_HOSTS, WebConfig, load_config
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


def prepare() -> None:
    """Everything serving needs, without serving: translations, app database, static files."""
    _setup_django()
    from django.core.management import call_command

    compile_messages()
    call_command("migrate", interactive=False, verbosity=0)
    collect_static()
    from wijkkompas.web.apps.plans.demo import DEMO_GEMEENTE, prepare_demo
    from wijkkompas.web.apps.plans.monitor import store_has_gemeente

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
