"""Typed domain errors with stable codes.

The web layer and the API map ``code`` to a translated message and an HTTP status in one place
(``webapp/errors.py``); the domain never formats user-facing text itself.
"""


class DomainError(Exception):
    """A rule refused an action. ``code`` is stable; ``params`` fill the message."""

    code = "invalid"

    def __init__(self, code: str | None = None, **params):
        self.code = code or self.code
        self.params = params
        super().__init__(self.code, params)


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class ValidationError(DomainError):
    """One or more fields are wrong. ``errors`` maps field name to an error code."""

    code = "validation"

    def __init__(self, errors: dict[str, str], **params):
        self.errors = errors
        super().__init__(self.code, **params)
