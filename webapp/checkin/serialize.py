"""ScanResult -> the JSON of the contract, with a message for the person at the door."""

from flask_babel import gettext as _

from attendance.checkin import ScanResult

from ..errors import message
from ..i18n import format_time, translated


def scan_message(result: ScanResult) -> str:
    if result.outcome == "accepted":
        return translated("Đi muộn") if result.status == "late" else translated("Có mặt")
    if result.outcome == "duplicate":
        return _("Đã điểm danh tại %(venue)s lúc %(time)s", venue=result.venue_name,
                 time=format_time(result.at))
    return message(result.code)


def scan_json(result: ScanResult) -> dict:
    person = result.person
    return {
        "nonce": result.nonce,
        "outcome": result.outcome,
        "code": result.code,
        "message": scan_message(result),
        "person": None if person is None else {
            "id": person.id, "full_name": person.full_name, "position": person.position,
            "category": person.category},
        "venue": None if result.venue_id is None else {
            "id": result.venue_id, "name": result.venue_name},
        "status": result.status,
        "at": result.at.isoformat() if result.at else None,
    }
