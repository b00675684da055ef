"""Setting up a study session (hội nghị): its facts, venues, categories and expected counts.

Every service validates everything before touching a row and raises ``ValidationError``
(field -> code), so a refused change leaves nothing behind; then it changes, audits, flushes.
The caller commits.
"""

from .categories import (CATEGORY_DEFAULTS, add_category, category_in_use, count_field,
                         remove_category, set_expected_counts, update_category)
from .facts import (SESSION_DEFAULTS, SESSION_TIMEZONE, WINDOW_MODES, create_session, session_values,
                    set_checkin_window, update_session)
from .overview import (ExpectedGrid, expected_grids, expected_totals, parent_choices,
                       session_rows, visible_sessions, visible_venues)
from .setup import set_up_session
from .venues import VENUE_DEFAULTS, add_venue, remove_venue, update_venue, venue_in_use

__all__ = [
    "CATEGORY_DEFAULTS", "SESSION_DEFAULTS", "SESSION_TIMEZONE", "VENUE_DEFAULTS", "WINDOW_MODES", "ExpectedGrid",
    "add_category", "add_venue", "category_in_use", "count_field",
    "create_session", "expected_grids", "expected_totals", "parent_choices", "remove_category", "remove_venue",
    "session_rows", "session_values", "set_checkin_window", "set_up_session", "set_expected_counts",
    "update_category",
    "update_session", "update_venue", "venue_in_use", "visible_sessions", "visible_venues",
]
