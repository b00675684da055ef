"""URL table of sign-in, sign-out and language choice."""

from flask import Blueprint

from . import links, views

bp = Blueprint("auth", __name__)
bp.add_url_rule("/login", "login", views.login, methods=["GET", "POST"])
bp.add_url_rule("/login/code", "second_factor", views.second_factor, methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", views.logout, methods=["POST"])
bp.add_url_rule("/sign-in/<token>", "sign_in_link", links.sign_in_link, methods=["GET", "POST"])
bp.add_url_rule("/lang/<code>", "set_language", views.set_language, methods=["POST"])
