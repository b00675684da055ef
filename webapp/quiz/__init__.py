"""The knowledge check: the organizer's quiz editor and results, each venue's QR screen, and
the participants' answer pages at /q/<venue code> (no login)."""


def init_app(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
