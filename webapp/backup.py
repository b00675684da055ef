"""Backup and restore of the whole database, taken while the app serves.

SQLite: the online backup API copies a consistent snapshot page by page while writers go on.
PostgreSQL: pg_dump (custom format) runs in one repeatable-read transaction; pg_restore --clean
brings it back.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from .extensions import db


class BackupError(Exception):
    pass


def _sqlite_path(url) -> str | None:
    return url.database if url.get_backend_name() == "sqlite" else None


def _pg_args(url) -> tuple[list[str], dict]:
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    args = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
            "-U", url.username or "postgres", "-d", url.database]
    return args, env


def backup(url_text: str, target: Path) -> None:
    url = make_url(url_text)
    path = _sqlite_path(url)
    if path is not None:
        source = sqlite3.connect(path)
        try:
            dest = sqlite3.connect(target)
            with dest:
                source.backup(dest, pages=1024)
            dest.close()
        finally:
            source.close()
        return
    if not shutil.which("pg_dump"):
        raise BackupError("pg_dump is not installed (Debian package postgresql-client)")
    args, env = _pg_args(url)
    done = subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(target), *args], env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise BackupError(done.stderr.strip())


def restore(url_text: str, source: Path) -> None:
    url = make_url(url_text)
    path = _sqlite_path(url)
    if path is not None:
        with open(source, "rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                raise BackupError(f"{source} is not an SQLite backup")
        src = sqlite3.connect(source)
        try:
            dest = sqlite3.connect(path)
            with dest:
                src.backup(dest)
            dest.close()
        finally:
            src.close()
        return
    if not shutil.which("pg_restore"):
        raise BackupError("pg_restore is not installed (Debian package postgresql-client)")
    args, env = _pg_args(url)
    done = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner",
                           "--single-transaction", *args, str(source)], env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise BackupError(done.stderr.strip())


def _url() -> str:
    return db.engine.url.render_as_string(hide_password=False)


@click.command("backup")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False))
def backup_command(output):
    """Write a consistent copy of the whole database to FILE (safe while serving)."""
    try:
        backup(_url(), Path(output))
    except (BackupError, sqlite3.Error) as error:
        raise click.ClickException(f"Backup failed: {error}")
    click.echo(f"Backup written to {output} ({Path(output).stat().st_size} bytes).")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
def restore_command(source):
    """Replace the database with the backup in SOURCE. Stop the app first."""
    db.engine.dispose()  # no pooled connection may hold the old file open
    try:
        restore(_url(), Path(source))
    except (BackupError, sqlite3.Error) as error:
        raise click.ClickException(f"Restore failed: {error}")
    click.echo(f"Database restored from {source}.")
