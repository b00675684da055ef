"""URL table of roster."""

from flask import Blueprint

bp = Blueprint("roster", __name__)
