"""Language (Vietnamese first, English available) and local date formats."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, session

from .extensions import babel

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def select_locale() -> str:
    if not has_request_context():  # CLI commands print Vietnamese
        return "vi"
    lang = session.get("lang")
    return lang if lang in current_app.config["LANGUAGES"] else "vi"


def local(value: datetime | None, zone: ZoneInfo = LOCAL_ZONE) -> datetime | None:
    return value.astimezone(zone) if value is not None else None


def format_datetime(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time, 24-hour, whatever the language."""
    return local(value).strftime("%d/%m/%Y %H:%M") if value else ""


def format_time(value: datetime | None) -> str:
    return local(value).strftime("%H:%M") if value else ""


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return value.strftime("%d/%m/%Y")


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(dt=format_datetime, time=format_time, date=format_date)

    @app.context_processor
    def language():
        return {"current_lang": select_locale(), "languages": app.config["LANGUAGES"]}
