"""The signed-in user's own account page: who they are and, for organizers, the TOTP second
factor turned on (QR, first code, recovery codes shown once) and off (password and code)."""


def init_app(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
