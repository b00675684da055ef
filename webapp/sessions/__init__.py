"""Organizer pages for setting up study sessions: venues, categories, expected counts."""


def init_app(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
