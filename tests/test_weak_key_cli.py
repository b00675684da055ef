"""A weak SECRET_KEY stops every command with its message and exit 1, never a traceback (the
app already refused to start with it; the command line printed Python's traceback)."""

import os
import subprocess
import sys
from pathlib import Path


def test_a_command_with_a_weak_secret_key_says_why_without_a_traceback(tmp_path):
    flask = Path(sys.executable).with_name("flask")
    env = {**os.environ, "SECRET_KEY": "dev", "DIEMCAU_INSTANCE": str(tmp_path / "i")}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([str(flask), "--app", "webapp", "init-db"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "SECRET_KEY is too short or not random" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
