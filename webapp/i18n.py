"""Language (Vietnamese first, English available) and local date formats."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from flask import current_app, has_request_context, session
from flask_babel import get_locale, gettext

from attendance import numbers

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
    return format_percent_of(None if value is None else float(value), 2)


def _english() -> bool:
    return str(select_locale()) == "en"


def _localized(text: str) -> str:
    """Vietnamese digits ("1.234,5") turned English ("1,234.5") when the page is in English."""
    if not _english():
        return text
    return text.replace(".", "\0").replace(",", ".").replace("\0", ",")


def format_number(value) -> str:
    """1234 -> "1.234" (Vietnamese), "1,234" (English); "" for none."""
    return _localized(numbers.integer(value))


def format_decimal(value, places: int = 1) -> str:
    """7.25 -> "7,3" (Vietnamese), "7.3" (English); "—" for none."""
    return "—" if value is None else _localized(numbers.decimal(value, places))


def format_percent(fraction, places: int = numbers.RATE_PLACES) -> str:
    """0.9556 -> "95,56 %" (Vietnamese, no-break space), "95.56 %" (English); "—" for none."""
    return "—" if fraction is None else _localized(numbers.percent(fraction, places))


def format_percent_of(value, places: int = numbers.RATE_PLACES) -> str:
    """A value already in percent: 95.5 -> "95,50 %"; "—" for none."""
    return "—" if value is None else _localized(numbers.percent_of(value, places))


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(dt=format_datetime, time=format_time, date=format_date,
                                 published_rate=format_published_rate, num=format_number,
                                 decimal=format_decimal, pct=format_percent,
                                 pct_of=format_percent_of)

    @app.context_processor
    def language():
        return {"current_lang": str(select_locale()), "languages": app.config["LANGUAGES"]}
