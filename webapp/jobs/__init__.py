"""Background jobs: the queue (huey), the worker command, the exports API and the job page.

The queue is huey: by default a SQLite file in the instance folder (no server needed, one
machine), or Redis when JOBS_REDIS_URL is set (several app nodes, one or more workers). The
worker is `flask --app webapp jobs-worker` (started by `make run` beside gunicorn); in tests
jobs run at once in the requesting thread (huey's immediate mode, JOBS_IMMEDIATE).
"""


def init_app(app) -> None:
    from attendance.outcomes import kept

    from . import queue
    from .blueprint import api_bp, bp
    from .commands import jobs_worker_command

    app.config.setdefault("JOBS_IMMEDIATE", app.testing)
    app.config.setdefault("JOBS_WORKERS", 2)
    # Above these sizes the direct download links hand over to a background job (a gunicorn
    # worker is killed after 30 s): cards of more people, posters of more venues, lists and
    # summaries of a larger roster.
    app.config.setdefault("JOBS_DIRECT_CARDS", 2000)
    app.config.setdefault("JOBS_DIRECT_POSTERS", 300)
    app.config.setdefault("JOBS_DIRECT_PEOPLE", 50_000)
    # The outcomes report of a province (1,700 units) takes seconds; a nation's (58,763 units,
    # 960,000 members) 36 s as XLSX.
    app.config.setdefault("JOBS_DIRECT_UNITS", 5_000)
    # The consolidated outcomes page keeps a cascade that took longer than this to compute
    # and recomputes it in the background (attendance.outcomes.kept).
    app.config.setdefault("OUTCOMES_KEEP_ABOVE_SECONDS", kept.KEEP_ABOVE)
    app.config.setdefault("JOBS_DIRECT_IMPORT_ROWS", 4000)  # a CSV roster's lines
    app.config.setdefault("JOBS_DIRECT_IMPORT_BYTES", 256 * 1024)  # an XLSX: ~5,000 rows
    # Above this many people a whole session's cards or invitation letters are one PDF per
    # venue in a ZIP, not one PDF (a national session's would be 120,000 pages).
    app.config.setdefault("JOBS_WHOLE_PRINT_PEOPLE", 50_000)
    queue.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    app.cli.add_command(jobs_worker_command)
