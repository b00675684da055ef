"""CLI: ``jobs-worker`` runs the queue's consumer (make run starts it beside gunicorn)."""

import click
from flask import current_app

from .queue import huey_of


@click.command("jobs-worker")
@click.option("--workers", type=int, default=None,
              help="Jobs run at the same time (default JOBS_WORKERS, 2).")
def jobs_worker_command(workers):
    """Run background jobs (exports, large imports) until stopped (Ctrl+C, SIGTERM)."""
    app = current_app._get_current_object()
    count = workers or app.config["JOBS_WORKERS"]
    consumer = huey_of(app).create_consumer(workers=count, worker_type="thread",
                                            periodic=True, check_worker_health=True,
                                            # a new job starts within a second, idle or not
                                            initial_delay=0.1, max_delay=1.0)
    click.echo(f"Job worker: {count} thread(s) on {type(huey_of(app)).__name__}.")
    consumer.run()
