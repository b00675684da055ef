"""Users page (placeholder until built)."""

from flask import render_template

from attendance.permissions import can_manage

from ..auth import role_required


@role_required(can_manage)
def index():
    return render_template("users/index.html")
