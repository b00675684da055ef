"""gunicorn settings shared by `make run` and `make bench` (passed with -c)."""

import gc


def post_worker_init(worker):
    # Everything the worker loaded (Flask, SQLAlchemy's mappers, the app) lives as long as the
    # worker: take it out of the garbage collector's view, so that the collections which
    # requests trigger do not walk it again and again (the gc.freeze() of the Python docs).
    gc.freeze()
