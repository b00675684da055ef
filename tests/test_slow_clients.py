"""Production serving is behind a buffering proxy (issue 17, part 8): four slow clients
sending their headers a line every few seconds held all four sync workers of gunicorn for
40 s. Here nginx (Debian's package) runs on loopback in front of gunicorn with two workers:
eight slow clients do not stop check-ins through nginx, while straight to gunicorn they do
(which is why README says a buffering proxy is required)."""

import os
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest

from .deploy import NGINX_CONF  # the same nginx as the two-node test, one upstream here
from .test_durability import _free_port, _item, _post, served  # noqa: F401 (fixture)

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SLOW_CLIENTS = 8
DRIP_EVERY = 0.5  # seconds between the header lines of a slow client
DRIP_FOR = 4.0  # seconds a check-in waits for gunicorn's answer in the control part

pytestmark = pytest.mark.skipif(
    not os.path.exists(NGINX) and os.environ.get("CI") != "true",
    reason="needs Debian's nginx (apt-get install nginx)")


@pytest.fixture
def nginx(tmp_path):
    """``start(upstream_port)`` -> nginx's port; stopped by its PID after the test."""
    processes = []

    def start(upstream: int) -> int:
        folder = tmp_path / "nginx"
        folder.mkdir()
        port = _free_port()
        user = "user root;" if os.geteuid() == 0 else ""  # temp files in a root-only folder
        (folder / "nginx.conf").write_text(NGINX_CONF.format(
            user=user, dir=folder, port=port, servers=f"        server 127.0.0.1:{upstream};"))
        process = subprocess.Popen([NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)],
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        processes.append(process)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return port
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"nginx did not start: {(folder / 'error.log').read_text()}")
    yield start
    for process in processes:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGQUIT)  # nginx's graceful stop, by its own PID
            process.wait(10)


def _slow_client(port: int, path: str, stop: threading.Event) -> None:
    """Sends a request's headers one line every DRIP_EVERY seconds, never finishing them."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
            n = 0
            while not stop.wait(DRIP_EVERY):
                sock.sendall(f"X-Slow-{n}: {n}\r\n".encode())
                n += 1
    except OSError:
        pass


def _check_ins_while_slow_clients_drip(port: int, data, first_person: int, scans: int,
                                       timeout: float) -> list[float]:
    """Times of ``scans`` check-ins made while eight slow clients hold connections to
    ``port`` (a scan not answered within ``timeout`` counts as that long)."""
    stop = threading.Event()
    path = f"/api/v1/sessions/{data['session']}/checkins"
    drips = [threading.Thread(target=_slow_client, args=(port, path, stop), daemon=True)
             for _ in range(SLOW_CLIENTS)]
    for thread in drips:
        thread.start()
    time.sleep(0.5)  # they are connected and dripping
    times = []
    try:
        for i in range(scans):
            started = time.monotonic()
            try:
                result = _post(port, data, [_item(data, first_person + i, f"slow-{port}-{i}")],
                               timeout=timeout)[0]
                assert result["outcome"] == "accepted", result
            except (OSError, TimeoutError):
                pass  # counted as slow below
            times.append(time.monotonic() - started)
    finally:
        stop.set()
        for thread in drips:
            thread.join(5)
    return times


def test_eight_slow_clients_do_not_stop_check_ins_behind_nginx(served, nginx):  # noqa: F811
    data, start, count = served
    upstream, _ = start()  # gunicorn, 2 sync workers, as make run serves (with fewer)
    people = sorted(int(p) for p in data["cards"])
    front = nginx(upstream)
    behind = _check_ins_while_slow_clients_drip(front, data, people[0], 4, timeout=10)
    assert max(behind) < 2.0, behind
    assert count("SELECT count(*) FROM attendances") == 4
    # The same straight to gunicorn: its two workers are held by the slow clients.
    direct = _check_ins_while_slow_clients_drip(upstream, data, people[10], 1, timeout=DRIP_FOR)
    assert direct[0] >= DRIP_FOR * 0.9, direct
