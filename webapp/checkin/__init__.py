"""Check-in over HTTP: the batch API every scanner and offline queue posts to, and the
scanner station pages."""

from flask import current_app

from attendance.tokens import derive_key


def card_key() -> bytes:
    """The HMAC key of personal cards, derived from the app's secret."""
    key = current_app.extensions.get("diemcau.card_key")
    if key is None:
        key = current_app.extensions["diemcau.card_key"] = derive_key(
            current_app.config["SECRET_KEY"], "card")
    return key


def presence_key() -> bytes:
    """The HMAC key of rotating venue presence codes."""
    key = current_app.extensions.get("diemcau.presence_key")
    if key is None:
        key = current_app.extensions["diemcau.presence_key"] = derive_key(
            current_app.config["SECRET_KEY"], "presence")
    return key


def init_app(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
