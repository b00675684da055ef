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
