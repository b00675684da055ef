"""Self check-in failures are counted per address and per typed name in the rate-limit
storage, logged, and lock with "see the staff at the door" (issue 17, part 2)."""

import logging
from datetime import datetime, timezone

import pytest

from attendance.checkin.tokens import presence_code
from webapp.checkin import presence_key

LOCKED = "Xin gặp cán bộ đón tiếp tại cửa"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_SELF_CHECKIN": "1000/minute",
            "THROTTLE_SELF_CHECKIN_ADDRESS": "6/minute", "THROTTLE_SELF_CHECKIN_PERSON": "3/hour"}


def _try(client, venue, name, digits, address="10.0.0.1", nonce="n"):
    code = presence_code(presence_key(), venue.id, datetime.now(timezone.utc))
    return client.post(f"/c/{venue.code}", data={
        "name": name, "digits": digits, "presence": code, "nonce": f"{nonce}-{digits}-{address}"},
        environ_base={"REMOTE_ADDR": address})


def test_guessing_one_persons_digits_locks_that_name_from_every_address(
        app, client, make_session, make_person, caplog):
    session = make_session(checkin_window="open")
    venue = session.venues[0]
    make_person(session, full_name="Trần Thị Hường", phone="0912345678")
    caplog.set_level(logging.WARNING, "diemcau.security")
    answers = [_try(client, venue, "Trần Thị Hường", f"{i:04d}", address=f"10.0.1.{i}")
               for i in range(4)]
    assert [a.status_code for a in answers] == [422, 422, 429, 429]
    assert LOCKED in answers[-1].get_data(as_text=True)
    # even the right digits now: the name is locked, the staff at the door check them in
    right = _try(client, venue, "tran thi huong", "5678", address="10.0.2.1")
    assert right.status_code == 429 and LOCKED in right.get_data(as_text=True)
    assert "THROTTLE_SELF_CHECKIN_PERSON failure" in caplog.text
    other = _try(client, venue, "Lê Văn Khác", "1111", address="10.0.2.1")
    assert other.status_code == 422  # another name from another address: still answered


def test_one_address_trying_many_names_is_locked(app, client, make_session):
    venue = make_session(checkin_window="open").venues[0]
    answers = [_try(client, venue, f"Người Thứ {i}", "1234").status_code for i in range(8)]
    assert answers[:5] == [422] * 5 and answers[-1] == 429
