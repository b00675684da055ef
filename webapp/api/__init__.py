"""JSON API under /api/v1 with Bearer tokens, and its OpenAPI description."""


def init_app(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
