"""URL table of cards and posters."""

from flask import Blueprint

from . import views

bp = Blueprint("cards", __name__, url_prefix="/sessions/<int:session_id>")
bp.add_url_rule("/cards.pdf", "session_pdf", views.session_pdf)
bp.add_url_rule("/invitations.pdf", "invitations_pdf", views.invitations)
bp.add_url_rule("/posters.pdf", "posters_pdf", views.posters)
bp.add_url_rule("/people/<int:person_id>/card", "person", views.person)
bp.add_url_rule("/people/<int:person_id>/card.png", "person_png", views.person_png)
bp.add_url_rule("/people/<int:person_id>/card.pdf", "person_pdf", views.person_pdf)
bp.add_url_rule("/people/<int:person_id>/card/reissue", "reissue", views.reissue,
                methods=["POST"])
