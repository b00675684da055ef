"""Self check-in from a venue's poster (no login) and the venue screen with its rotating
presence code."""


def init_app(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
