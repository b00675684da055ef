"""The domain of Điểm Cầu: study sessions, venues, rosters, check-ins and reports.

Nothing in this package imports Flask. Time (``now``), the acting user and the database
session are passed in by the caller (the web app, the CLI or a test).
"""
