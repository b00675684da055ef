"""Sign-in with Flask-Login for browsers, Bearer tokens for the API, CSRF for cookies."""

from datetime import datetime, timezone
from functools import wraps

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from attendance import permissions
from attendance.accounts import scope as scopes
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
    def check_csrf():
        # A Bearer token is not sent by the browser on its own, so it needs no CSRF token.
        g.bearer = bearer_token(request) is not None
        if not g.bearer and app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()


def token_user(token: str) -> User | None:
    """The active user of an API token, as a read-only copy shared by this process's requests
    and at most the cache's TTL old (a revoked token stops working within that time)."""

    def load():
        # Looked up (and its last use stamped, once per 5 min) at most every TTL seconds,
        # with the user's scope, so that permission checks on the copy need no query.
        user = accounts.user_for_token(db.session, token, now=datetime.now(timezone.utc))
        if user is None:
            return None
        return scopes.attach(transient(User, columns(user)), scopes.load(db.session, user))
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
