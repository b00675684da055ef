"""The member registry's pages: list per unit and search, add, edit, move, import, export."""


def init_app(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
