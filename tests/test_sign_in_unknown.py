"""The wait and lockout answers of sign-in say nothing of whether a username exists: an
unknown name gets the same answers, in the same sequence and with the same timing, as an
account being guessed (issue 17, part 6: the lockout message confirmed real usernames)."""

import re
import time
from datetime import timedelta
from statistics import median

import pytest

from werkzeug.security import check_password_hash

from attendance.accounts import signin
from attendance.accounts.users import hash_password
from tests.factories import NOW

KEY = b"k" * 32


def _answers(db, username: str, attempts: int, *, wait_as_told: bool) -> list:
    """What an attacker sees, attempt by attempt: the refusal's code and seconds to wait."""
    seen, at = [], NOW
    for _ in range(attempts):
        with pytest.raises(signin.SignInError) as error:
            signin.check_password(db, username, "wrong-password", now=at, key=KEY)
        seen.append((error.value.code, error.value.params.get("seconds")))
        db.commit()
        at += timedelta(seconds=(error.value.params.get("seconds") or 0) if wait_as_told else 1)
    return seen


@pytest.mark.parametrize("wait_as_told", [True, False])
def test_an_unknown_username_is_answered_as_an_account_is(db, make_user, wait_as_told):
    make_user(username="vanphong")
    attempts = signin.LOCK_AFTER + 3
    known = _answers(db, "vanphong", attempts, wait_as_told=wait_as_told)
    unknown = _answers(db, "vanphong-khong-co", attempts, wait_as_told=wait_as_told)
    assert unknown == known
    assert {code for code, _ in known} > {"bad_credentials"}  # the waits were reached


def test_unknown_names_are_counted_apart_and_by_a_keyed_digest(db):
    _answers(db, "ten-mot", signin.FREE_FAILURES, wait_as_told=False)
    with pytest.raises(signin.SignInError) as other:
        signin.check_password(db, "ten-hai", "wrong-password", now=NOW, key=KEY)
    assert other.value.code == "bad_credentials"  # another name starts with its free tries
    from attendance.models import SignInName
    stored = {row.name_digest for row in db.query(SignInName)}
    assert len(stored) == 2 and not any("ten" in digest for digest in stored)


def _timed(db, username: str, at) -> float:
    start = time.perf_counter()
    with pytest.raises(signin.SignInError):
        signin.check_password(db, username, "wrong-password", now=at, key=KEY)
    db.rollback()
    return time.perf_counter() - start


def test_a_waiting_unknown_name_takes_as_long_as_a_waiting_account(db, make_user):
    make_user(username="vanphong")
    _answers(db, "vanphong", signin.LOCK_AFTER, wait_as_told=False)
    _answers(db, "khong-co-ai", signin.LOCK_AFTER, wait_as_told=False)
    at = NOW + timedelta(seconds=signin.LOCK_AFTER + 1)  # both locked out now
    known = median(_timed(db, "vanphong", at) for _ in range(5))
    unknown = median(_timed(db, "khong-co-ai", at) for _ in range(5))
    hashed = hash_password("x" * 12)
    start = time.perf_counter()
    check_password_hash(hashed, "wrong-password")
    one_check = time.perf_counter() - start
    # A path that checks a password (scrypt) where the other does not differs by a whole
    # check; the rest (a query or two) is far below half of one on this machine.
    assert abs(unknown - known) < one_check / 2, (known, unknown, one_check)


def test_over_http_the_answers_to_a_real_and_an_unknown_name_are_the_same(client, make_user):
    make_user(username="vanphong")
    def answers(name):
        found = []
        for _ in range(signin.FREE_FAILURES + 2):
            page = client.post("/login", data={"username": name, "password": "wrong-password"})
            # The seconds to wait count down in real time: compared as "N".
            found.append((page.status_code, [re.sub(r"\d+", "N", line) for line in page.get_data(
                as_text=True).splitlines() if "flash" in line]))
        return found
    known, unknown = answers("vanphong"), answers("khong-co-ai")
    assert known == unknown and known[-1][0] == 429
