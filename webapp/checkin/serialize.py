"""ScanResult -> the JSON of the contract, with a message for the person at the door."""

from flask_babel import gettext as _

from attendance.checkin.scan import ScanResult

from ..errors import message
from ..i18n import format_time, translated


def scan_message(result: ScanResult) -> str:
    if result.outcome == "accepted":
        return translated("Đi muộn") if result.status == "late" else translated("Có mặt")
    if result.outcome == "duplicate":
        return _("Đã điểm danh tại %(venue)s lúc %(time)s", venue=result.venue_name,
                 time=format_time(result.at))
    return message(result.code)


def scan_json(result: ScanResult, messages: dict | None = None) -> dict:
    """``messages``: a dict shared by the answers of one request, where the messages that do
    not depend on the scan (all but a duplicate's) are kept once made: a batch of 100 then
    looks up its few messages once each instead of once per scan."""
    person = result.person
    if messages is None or result.outcome == "duplicate":
        text = scan_message(result)
    else:
        key = (result.outcome, result.status, result.code)
        text = messages.get(key)
        if text is None:
            text = messages[key] = scan_message(result)
    return {
        "nonce": result.nonce,
        "outcome": result.outcome,
        "code": result.code,
        "message": text,
        "person": None if person is None else {
            "id": person.id, "full_name": person.full_name, "position": person.position,
            "category": person.category, "venue_id": person.venue_id},
        "venue": None if result.venue_id is None else {
            "id": result.venue_id, "name": result.venue_name},
        "status": result.status,
        "at": result.at.isoformat() if result.at else None,
    }
