"""A form's one service call, as every add/edit page makes it: the request commits once on
success, or rolls back and shows the service's field errors on the form."""

from collections.abc import Callable

from attendance.errors import ValidationError

from .extensions import db


def saved(form, apply: Callable, put_errors: Callable, done: Callable):
    """``apply()`` (the service call) for a validated ``form``: committed, then ``done(result)``
    answers (a flash and a redirect); a ValidationError is rolled back and put on the form by
    ``put_errors(form, error)``, and None is returned so the view renders the form again."""
    try:
        result = apply()
    except ValidationError as error:
        db.session.rollback()
        put_errors(form, error)
        return None
    db.session.commit()
    return done(result)
