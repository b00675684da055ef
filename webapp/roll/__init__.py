"""A venue's own roll (điểm danh theo danh sách) for coordinators and the organizer, its
offline batch API, and the make-up study page (học bù)."""


def init_app(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
