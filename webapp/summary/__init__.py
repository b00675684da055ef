"""Attendance figures: the summary API (and the live dashboard)."""


def init_app(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
