"""Attendance figures: the summary per venue and category, the live dashboard."""
