"""URL table of the account page."""

from flask import Blueprint

from . import views

bp = Blueprint("account", __name__, url_prefix="/account")
bp.add_url_rule("/", "show", views.show)
bp.add_url_rule("/totp/start", "totp_start", views.totp_start, methods=["POST"])
bp.add_url_rule("/totp", "totp_setup", views.totp_setup, methods=["GET", "POST"])
bp.add_url_rule("/totp/disable", "totp_disable", views.totp_disable, methods=["POST"])
