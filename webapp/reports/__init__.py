"""The attendance summary page, its downloads (CSV, XLSX, PDF) and the ``export`` CLI."""


def init_app(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
