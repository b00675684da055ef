"""The address participants' phones reach the app at, for the links a session prints or shows
(posters, the venue's presence and quiz screens, the coordinators' sign-in links): the
session's own public address, else the server's PUBLIC_BASE_URL, else the address the page was
asked on (which, behind a proxy, PROXY_FIX makes the public one)."""

from urllib.parse import urlsplit

from flask import current_app, request, url_for

from attendance.models import StudySession

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")


def public_base(session: StudySession | None = None) -> str:
    own = session.public_base_url if session is not None else ""
    return (own or current_app.config.get("PUBLIC_BASE_URL", "") or request.host_url).rstrip("/")


def public_url(session: StudySession | None, endpoint: str, **values) -> str:
    """``url_for(endpoint)`` on the session's public address."""
    return public_base(session) + url_for(endpoint, **values)


def is_local_address(base_url: str) -> bool:
    """A base a participant's phone cannot reach: this machine's own loopback name."""
    host = (urlsplit(base_url).hostname or "").lower()
    return host in LOCAL_HOSTS or host.startswith("127.") or host.endswith(".localhost")
