"""The roster of a session: list, search, import, add, edit, remove people."""


def init_app(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
