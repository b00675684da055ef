"""backup -o FILE and restore FILE round-trip a session with its check-ins."""

import shutil

import pytest
from sqlalchemy import func, select

from attendance.models import Attendance, Person, StudySession
from tests.conftest import ON_POSTGRES


@pytest.mark.skipif(ON_POSTGRES and not shutil.which("pg_dump"), reason="needs pg_dump")
def test_backup_and_restore_round_trip(app, db, runner, tmp_path, make_session, make_person):
    session = make_session(checkin_window="open")
    people = [make_person(session) for _ in range(5)]
    title, last_id = session.title, people[4].id
    from attendance.checkin.scan import record_scan
    from tests.factories import NOW
    for i, person in enumerate(people[:3]):
        record_scan(db, key=b"k", session=session, venue=session.venues[0], nonce=f"n{i}",
                    method="manual", now=NOW, actor=None, person_id=person.id)
    db.commit()
    target = tmp_path / "backup.bin"
    result = runner.invoke(args=["backup", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    # Lose data after the backup: the restore must bring the earlier state back.
    db.delete(db.get(Attendance, 1))
    db.delete(db.get(Person, last_id))
    db.commit()
    db.remove()
    result = runner.invoke(args=["restore", str(target)])
    assert result.exit_code == 0, result.output
    db.remove()
    assert db.scalar(select(func.count()).select_from(Attendance)) == 3
    assert db.scalar(select(func.count()).select_from(Person)) == 5
    assert db.scalar(select(StudySession.title)) == title


def test_restore_refuses_a_file_that_is_not_a_backup(runner, tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"hello")
    result = runner.invoke(args=["restore", str(junk)])
    assert result.exit_code != 0
    assert "Restore failed" in result.output
