"""The worker's periodic sweep: failed sign-ins under unknown names are not kept for ever (their
failures are forgotten a day after the last, an account's alike, so deleting them changes no
answer), and plan files a reporter chose but never saved are cleared."""

import os
from datetime import datetime, timedelta, timezone

import pytest

from attendance.accounts import signin
from attendance.models import SignInName, Unit, User
from attendance.outcomes import report_send, reports as rr
from webapp.jobs import sweep
from webapp.outcomes.reports import plans_folder

from .factories import NOW
from .test_result_reports import PDF
from .test_sign_in_unknown import KEY, _answers


def _locked(db, name: str, at) -> str:
    with pytest.raises(signin.SignInError) as error:
        signin.check_password(db, name, "wrong-password", now=at, key=KEY)
    db.commit()
    return error.value.code


@pytest.mark.parametrize("name", ["vanphong", "khong-co-ai"])
def test_failures_are_forgotten_a_day_after_the_last_for_an_account_and_an_unknown_name(
        db, make_user, name):
    make_user(username="vanphong")
    _answers(db, name, 2 * signin.LOCK_AFTER, wait_as_told=True)  # waiting as told: locked
    counted = db.query(User).filter_by(username=name).one_or_none() or db.query(SignInName).one()
    assert counted.failed_logins >= signin.LOCK_AFTER
    last = counted.last_failed_at
    # Still locked just before the day is out (the lockout itself is long over by then: a
    # try is checked, fails, and locks again since the count carries on)...
    assert _locked(db, name, last + signin.FORGET_AFTER - timedelta(seconds=1)) \
        == "account_locked_out"
    # ...and a day after that failure, the count starts again with the free tries.
    again = last + signin.FORGET_AFTER - timedelta(seconds=1) + signin.FORGET_AFTER
    assert [_locked(db, name, again + timedelta(seconds=i))
            for i in range(signin.FREE_FAILURES)] == ["bad_credentials"] * signin.FREE_FAILURES


def test_the_sweep_deletes_only_forgotten_unknown_names(app, db):
    now = datetime.now(timezone.utc)  # the sweep runs at the clock's time
    _answers(db, "cu", 2, wait_as_told=False)  # failures at NOW (long ago)
    for row in db.query(SignInName):
        row.last_failed_at = now - signin.FORGET_AFTER - timedelta(minutes=1)
    db.commit()
    with pytest.raises(signin.SignInError):
        signin.check_password(db, "moi", "wrong-password", now=now, key=KEY)
    db.commit()
    assert sweep.sweep(app)["sign_in_names"] == 1
    db.expire_all()
    left = db.query(SignInName).all()
    assert [row.failed_logins for row in left] == [1]  # "moi"'s, failed just now


def test_the_sweep_clears_plan_files_chosen_and_never_saved(app, db, make_session):
    session, unit = make_session(), Unit(name="Đảng ủy phường Phổ Hòa", kind="committee")
    db.add(unit)
    db.commit()
    rr.set_reporting_units(db, session, [unit.id], now=NOW, actor=None)
    db.commit()
    report = rr.report_for(db, session, unit.id)
    folder = plans_folder()
    old, fresh = (report_send.hold(folder, report, PDF, name) for name in ("cu.pdf", "moi.pdf"))
    day_ago = (datetime.now(timezone.utc) - report_send.HOLD_FOR - timedelta(minutes=1)).timestamp()
    for path in (folder / "held").glob(f"{report.id}-{old}*"):
        os.utime(path, (day_ago, day_ago))
    assert sweep.sweep(app)["held_plans"] == 1
    assert report_send.held(folder, report, old) is None
    assert report_send.held(folder, report, fresh) == (PDF, "moi.pdf")
    assert sorted(path.name for path in (folder / "held").iterdir()) == [
        f"{report.id}-{fresh}", f"{report.id}-{fresh}.name"]
