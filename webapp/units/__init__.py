"""Units (đơn vị): the tree, create/edit/move/retire, import with preview, export, CLI."""


def init_app(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
