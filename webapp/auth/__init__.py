"""Sign-in with Flask-Login for browsers, Bearer tokens for the API, CSRF for cookies."""

from datetime import datetime, timezone
from functools import wraps

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from attendance.accounts import users as accounts
from attendance.models import User

from ..errors import json_error
from ..extensions import csrf, db, login_manager
from ..snapshots import Snapshots, attached, columns, transient


def init_app(app) -> None:
    from .blueprint import bp

    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    app.register_blueprint(bp)

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.active else None

    app.extensions["diemcau.tokens"] = Snapshots()

    @login_manager.request_loader
    def load_user_from_bearer(req) -> User | None:
        token = bearer_token(req)
        user = token_user(token) if token else None
        # Pages and most API routes get their own instance, attached so relationships load.
        return attached(db.session, User, columns(user)) if user is not None else None

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            return json_error("unauthorized", 401)
        target = request.full_path if request.query_string else request.path
        return redirect(url_for("auth.login", next=target))

    @app.before_request
    def forget_loaded_user():
        # Flask-Login caches the user in g, which lives as long as the app context; tests
        # run many requests in one context, so a locked user or revoked token would linger.
        g.pop("_login_user", None)

    @app.before_request
    def check_csrf():
        # A Bearer token is not sent by the browser on its own, so it needs no CSRF token.
        g.bearer = bearer_token(request) is not None
        if not g.bearer and app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()


def token_user(token: str) -> User | None:
    """The active user of an API token, as a read-only copy shared by this process's requests
    and at most the cache's TTL old (a revoked token stops working within that time)."""

    def load():
        # Looked up (and its last use stamped, once per 5 min) at most every TTL seconds.
        user = accounts.user_for_token(db.session, token, now=datetime.now(timezone.utc))
        if user is None:
            return None
        copy = transient(User, columns(user))
        if db.session.dirty:
            db.session.commit()
        return copy
    return current_app.extensions["diemcau.tokens"].get(accounts.token_digest(token), load)


def request_actor() -> User | None:
    """Who sends this request, for the hot check-in routes: a Bearer token's shared read-only
    copy (no per-request objects, no Flask-Login work), else the signed-in browser user."""
    if g.get("bearer"):
        return token_user(bearer_token(request))
    return current_user._get_current_object() if current_user.is_authenticated else None


def forget_tokens() -> None:
    """Drop this process's cached token lookups (after a revoke or a locked account);
    other workers drop theirs within the cache's TTL."""
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
