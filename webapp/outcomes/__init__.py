"""Learning outcomes: units' result reports and action plans, learning essays, and the
consolidated learning-outcome report with its downloads."""


def init_app(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
