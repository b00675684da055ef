"""URL table of the users page."""

from flask import Blueprint

from . import views

bp = Blueprint("users", __name__, url_prefix="/users")
bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/", "create", views.create, methods=["POST"])
bp.add_url_rule("/venues/search", "venue_search", views.venue_search)
bp.add_url_rule("/<int:user_id>", "show", views.show)
bp.add_url_rule("/<int:user_id>/deactivate", "deactivate", views.deactivate, methods=["POST"])
bp.add_url_rule("/<int:user_id>/reactivate", "reactivate", views.reactivate, methods=["POST"])
bp.add_url_rule("/<int:user_id>/password", "reset_password", views.reset_password,
                methods=["POST"])
bp.add_url_rule("/<int:user_id>/tokens", "issue_token", views.issue_token, methods=["POST"])
bp.add_url_rule("/<int:user_id>/tokens/<int:token_id>/revoke", "revoke_token",
                views.revoke_token, methods=["POST"])
