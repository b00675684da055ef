"""Sign-in with Flask-Login for browsers, Bearer tokens for the API, CSRF for cookies."""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from attendance import permissions
from attendance.accounts import scope as scopes
from attendance.accounts import users as accounts
from attendance.models import User

from ..database import autocommit_engine
from ..errors import json_error
from ..extensions import csrf, db, login_manager
from ..snapshots import attached, columns, transient
from . import generation


def init_app(app) -> None:
    from .blueprint import bp

    generation.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    app.register_blueprint(bp)

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        # "id.auth_version" (User.get_id): a cookie from before a sign-out, password change
        # or lock names an older version and no longer signs anyone in, in any worker.
        ident, _, version = user_id.partition(".")
        if not (ident.isdigit() and version.isdigit()):
            return None
        user = db.session.get(User, int(ident))
        if user is None or not user.active or user.auth_version != int(version):
            return None
        return user

    app.extensions["diemcau.tokens"] = {}

    @login_manager.request_loader
    def load_user_from_bearer(req) -> User | None:
        user = g.get("token_user")
        # Pages and most API routes get their own instance, attached so relationships load.
        return attached(db.session, User, columns(user)) if user is not None else None

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            return json_error("unauthorized", 401)
        target = request.full_path if request.query_string else request.path
        return redirect(url_for("auth.login", next=target))

    @app.context_processor
    def account_links():
        # The navigation's decision, made where every permission is: the template shows it.
        signed_in = current_user.is_authenticated
        return {"may_manage_users": signed_in and permissions.can_manage(current_user),
                "may_see_units": signed_in and permissions.reads_scope(current_user)}

    @app.after_request
    def commit_token_use(response):
        # A token's last use (noted while the user was loaded, once per 5 minutes) is
        # written when the view is done: views that only read commit nothing, and the
        # check-in API writes on a connection of its own.
        if "tokens_used" in db.session.info and response.status_code < 500 \
                and accounts.stamp_token_uses(db.session):
            db.session.commit()
        return response

    @app.before_request
    def authenticate_request():
        g.token_user = None
        g.bearer = False
        token = bearer_token(request)
        if token is not None and request.path == "/metrics":
            return None  # its own Bearer METRICS_TOKEN, checked by webapp.metrics; no session
        if token is not None:
            # A Bearer header is either a live token or a refusal: it never falls back to the
            # browser's cookie, and only a token that authenticated skips CSRF (a browser does
            # not send one on its own).
            g.token_digest = accounts.token_digest(token)  # once: the limiter keys on it too
            g.token_user = token_user(g.token_digest)
            if g.token_user is None:
                return json_error("unauthorized", 401) if request.path.startswith("/api/") \
                    else abort(401)
            g.bearer = True
            return None
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return None
        if request.path.startswith("/api/") and not current_user.is_authenticated:
            return json_error("unauthorized", 401)  # who you are comes before CSRF
        if app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
        return None


def token_user(digest: str) -> User | None:
    """The active user of the live API token of this digest: a read-only copy shared by this process's requests
    until the auth generation changes (any revocation, lock, sign-out everywhere, password,
    role or scope change, in any process: see .generation) or the copy is MAX_AGE old. The
    copy carries the user's scope (units, venue assignments), so permission checks need no
    query either."""
    copies = current_app.extensions["diemcau.tokens"]
    seen = generation.current()  # read before the row: a bump after it empties the copies
    if copies.get(_GENERATION, seen) != seen:
        copies.clear()
    copies[_GENERATION] = seen
    now = datetime.now(UTC)
    found = copies.get(digest)
    if found is None or (now - found.loaded_at).total_seconds() > generation.MAX_AGE:
        with _read_connection() as connection:
            row = accounts.token_row(connection, digest)
        if row is None:
            copies.pop(digest, None)
            return None
        if len(copies) > 10_000:  # bounded: drop everything rather than grow
            copies.clear()
            copies[_GENERATION] = seen
        copy = transient(User, accounts.token_row_user(row))
        scopes.attach(copy, scopes.load(db.session, copy))
        copies[digest] = found = _Copy(copy, now, row.token_id, row.token_used_at)
    if accounts.token_needs_touch(found, now):
        with db.engine.begin() as connection:
            accounts.touch_token(connection, found, now)
        found.token_used_at = now
    return found.user


_GENERATION = "generation"  # the key of the generation the copies were read under


@dataclass
class _Copy:
    user: User
    loaded_at: datetime
    token_id: int
    token_used_at: datetime | None


def _read_connection():
    """A connection for one read outside the request's ORM transaction: on PostgreSQL one of
    the autocommit engine (no BEGIN/COMMIT round trips before a check-in)."""
    if db.engine.dialect.name == "postgresql":
        return autocommit_engine().connect()
    return db.engine.connect()


def request_actor() -> User | None:
    """Who sends this request, for the hot check-in routes: a Bearer token's shared read-only
    copy (no per-request objects, no Flask-Login work), else the signed-in browser user."""
    if g.get("bearer"):
        return g.token_user
    return current_user._get_current_object() if current_user.is_authenticated else None


def forget_tokens() -> None:
    """Drop this process's copies of token users (the others drop theirs at the bump that
    the change's commit makes)."""
    current_app.extensions["diemcau.tokens"].clear()


def bearer_token(req) -> str | None:
    header = req.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def role_required(check):
    """Guard a view with a permission function of the user (from attendance.permissions)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
