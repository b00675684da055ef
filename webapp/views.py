"""Routes that belong to no feature: health check and the home page."""

from flask import redirect, url_for
from flask_login import login_required


def healthz():
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@login_required
def home():
    return redirect(url_for("sessions.index"))


def init_app(app) -> None:
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/", "home", home)
