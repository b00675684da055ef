"""Organizer page for user accounts: staff and coordinators scoped to a venue."""


def init_app(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
