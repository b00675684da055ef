"""Configuration: defaults, then ``instance/config.py``, then the environment."""

import os
import secrets
from pathlib import Path

import click

LANGUAGES = ("vi", "en")


def load_config(app, test_config: dict | None) -> None:
    instance = Path(app.instance_path)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'diemcau.sqlite3'}",
        SQLALCHEMY_ENGINE_OPTIONS={},
        BABEL_DEFAULT_LOCALE="vi",
        BABEL_DEFAULT_TIMEZONE="Asia/Ho_Chi_Minh",
        LANGUAGES=LANGUAGES,
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,  # uploads: rosters, member registries, plans
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_CHECK_DEFAULT=False,  # checked in webapp.auth, skipped for Bearer requests
        WTF_CSRF_TIME_LIMIT=None,  # a station page stays open all morning
        PREFERRED_URL_SCHEME="http",
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    if os.environ.get("DATABASE_URL") and (test_config is None
                                           or "SQLALCHEMY_DATABASE_URI" not in test_config):
        app.config["SQLALCHEMY_DATABASE_URI"] = _sqlalchemy_url(os.environ["DATABASE_URL"])
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)
    check_secret_key(app.config["SECRET_KEY"])
    if os.environ.get("SESSION_COOKIE_SECURE", "").lower() in ("1", "true", "yes"):
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = True
    if os.environ.get("RATELIMIT_STORAGE_URI"):  # e.g. redis://127.0.0.1:6379 (webapp.limits)
        app.config["RATELIMIT_STORAGE_URI"] = os.environ["RATELIMIT_STORAGE_URI"]
    if os.environ.get("AUTH_GENERATION_URL"):  # redis://… (webapp.auth.generation)
        app.config["AUTH_GENERATION_URL"] = os.environ["AUTH_GENERATION_URL"]
    if os.environ.get("JOBS_FOLDER"):  # the jobs' files: a folder every node and worker mount
        app.config["JOBS_FOLDER"] = os.environ["JOBS_FOLDER"]
    if os.environ.get("PUBLIC_BASE_URL"):  # where phones reach the app: the posters' QR links
        app.config["PUBLIC_BASE_URL"] = os.environ["PUBLIC_BASE_URL"]
    if os.environ.get("PROXY_FIX", "").isdigit():
        app.config["PROXY_FIX"] = int(os.environ["PROXY_FIX"])
    _trust_proxies(app)


class WeakSecretKey(click.ClickException):
    """SECRET_KEY signs sessions and QR cards: a guessable one lets anyone forge both. A
    ClickException, so that every ``flask`` command refuses with the message and exit 1
    instead of a traceback; the server's start fails with it the same way."""


def secret_key_bits(key: str | bytes) -> float:
    """A generous estimate of the randomness in ``key``: its length times the bits of the
    smallest usual alphabet that holds it (hex 4, base32 5, base64 6, printable 6.6)."""
    if isinstance(key, bytes):
        try:
            key = key.decode("ascii")
        except UnicodeDecodeError:
            return 8.0 * len(key) if len(set(key)) >= 10 else 0.0
    if len(set(key)) < 10:  # "aaaa…", "devdevdev…": long but not random
        return 0.0
    for alphabet, bits in (("0123456789abcdefABCDEF", 4), ("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567=", 5),
                           ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                            "+/-_=", 6)):
        if set(key) <= set(alphabet):
            return bits * len(key.rstrip("="))
    return 6.5 * len(key)


def check_secret_key(key) -> None:
    """Refuse to start without 32 random bytes (256 bits) of SECRET_KEY."""
    if not key or secret_key_bits(key) < 256:
        raise WeakSecretKey(
            "SECRET_KEY is too short or not random: it needs 32 random bytes, e.g. "
            "python3 -c 'import secrets; print(secrets.token_hex(32))' (or leave it unset: "
            "a key is then generated into the instance folder).")


def _trust_proxies(app) -> None:
    """Behind N reverse proxies (PROXY_FIX=N), take the client's address, scheme and host from
    their X-Forwarded-* headers: rate limits count per real client, redirects keep https."""
    hops = app.config.get("PROXY_FIX") or 0
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _sqlalchemy_url(url: str) -> str:
    # Accept the usual postgres:// and postgresql:// forms; the driver here is psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret(instance: Path) -> str:
    """A secret generated once into the instance folder, readable only by its owner."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        # Write aside, then link into place: concurrent workers all read one complete key.
        tmp = instance / f".secret_key.{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()
