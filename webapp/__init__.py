"""Điểm Cầu web application: the HTTP side (pages, API, CLI)."""

import os

from flask import Flask

from . import (account, api, auth, cards, checkin, classes, cli, errors, i18n, jobs, limits, members,
               metrics, outcomes, pickers, presence, quiz, reports, roll, roster, security,
               selfcheckin, sessions, summary, throttle, units, users, views)
from .config import load_config
from .database import init_db


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("DIEMCAU_INSTANCE") or None,
                instance_relative_config=True,
                static_folder="../static", template_folder="../templates")

    load_config(app, test_config)
    app.json.ensure_ascii = False  # Vietnamese names as UTF-8 in API answers, not \u escapes
    app.json.sort_keys = False  # keys in the order the code writes them
    init_db(app)
    i18n.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    limits.init_app(app)
    throttle.init_app(app)
    views.init_app(app)
    sessions.init_app(app)
    pickers.init_app(app)
    roster.init_app(app)
    units.init_app(app)
    members.init_app(app)
    classes.init_app(app)
    users.init_app(app)
    account.init_app(app)
    api.init_app(app)
    checkin.init_app(app)
    cards.init_app(app)
    selfcheckin.init_app(app)
    summary.init_app(app)
    roll.init_app(app)
    presence.init_app(app)
    reports.init_app(app)
    outcomes.init_app(app)
    quiz.init_app(app)
    jobs.init_app(app)
    metrics.init_app(app)
    cli.init_app(app)
    return app
