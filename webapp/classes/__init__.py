"""Follow-on classes (lớp ở cơ sở): a sub-unit's class of a session, made and marked on a phone."""


def init_app(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
