"""gunicorn settings shared by `make run` and `make bench` (passed with -c)."""

import gc
import os


def post_worker_init(worker):
    # Everything the worker loaded (Flask, SQLAlchemy's mappers, the app) lives as long as the
    # worker: take it out of the garbage collector's view, so that the collections which
    # requests trigger do not walk it again and again (the gc.freeze() of the Python docs).
    gc.freeze()


# Each worker touches a heartbeat file between requests. In /tmp on disk that touch waits for
# the file system's journal whenever the disk is busy (the database's own writes, a roster
# import), stalling the worker; gunicorn's documentation advises a memory file system.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"


# /metrics under several workers (webapp/metrics.py): prometheus_client keeps each worker's
# counters in files of one folder, fresh for every start of the server; a worker that exits
# has its live gauges dropped.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    import tempfile

    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(
        prefix="diemcau-metrics-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
