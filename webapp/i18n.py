"""Language (Vietnamese first, English available) and local date formats."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from flask import current_app, has_request_context, session
from flask_babel import get_locale, gettext

from .extensions import babel

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# Parsed once: Flask-Babel parses what the selector returns on every request unless it is
# already a Locale, and that costs more than a scan's whole answer.
_LOCALES = {code: Locale.parse(code) for code in ("vi", "en")}


def select_locale() -> Locale:
    if not has_request_context():  # CLI commands print Vietnamese
        return _LOCALES["vi"]
    lang = session.get("lang")
    code = lang if lang in current_app.config["LANGUAGES"] else "vi"
    return _LOCALES.get(code) or Locale.parse(code)


_TRANSLATED: dict[tuple[Locale | None, str], str] = {}


def translated(msgid: str) -> str:
    """``gettext(msgid)`` (no parameters), kept per language: for the answers the check-in API
    gives many times a second, where Flask-Babel's look-up costs more than the rest of the
    answer. (`make extract-messages` collects these strings too.)"""
    key = (get_locale(), msgid)
    text = _TRANSLATED.get(key)
    if text is None:
        text = _TRANSLATED[key] = gettext(msgid)
    return text


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


def format_published_rate(value) -> str:
    """A rate as units publish it: 95,56 % in Vietnamese, 95.56 % in English; "—" for none."""
    if value is None:
        return "—"
    text = f"{value:.2f}"
    return (text if str(select_locale()) == "en" else text.replace(".", ",")) + "\u00a0%"


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(dt=format_datetime, time=format_time, date=format_date,
                                 published_rate=format_published_rate)

    @app.context_processor
    def language():
        return {"current_lang": str(select_locale()), "languages": app.config["LANGUAGES"]}
