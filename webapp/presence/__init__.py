"""Pages and API of the modes of presence: closing the roll, online participants (join links,
platforms' reports), exits. The rules are attendance's (roll.close, online, checkin.exits)."""


def init_app(app) -> None:
    from .blueprint import bp
    from .commands import import_online_command

    app.register_blueprint(bp)
    app.cli.add_command(import_online_command)
