"""All models, importable from one place."""

from .accounts import (
                       COORDINATOR,
                       ORGANIZER,
                       REPORTER,
                       ROLES,
                       SCOPED_ROLES,
                       STAFF,
                       UNIT_ROLES,
                       VENUE_ROLES,
                       VIEWER,
                       ApiToken,
                       SignInName,
                       User,
                       VenueAssignment,
)
from .base import Base, UTCDateTime
from .checkins import (ABSENT_EXCUSED, ABSENT_UNEXCUSED, ATTENDED, IN_PERSON, LATE, METHODS,
                       MODES, ONLINE, PRESENT, STATUSES, Attendance, AuditEntry, ScanAttempt)
from .jobs import DONE, FAILED, JOB_STATES, QUEUED, RUNNING, Job
from .makeup import MakeupAttendance, MakeupSession
from .members import ACTIVE, EXEMPT, MEMBER_STATUSES, MOVED, Member, MemberMove
from .outcomes import (
                       ACCEPTED,
                       KeptCascade,
                       DEFAULT_GRADES,
                       DEFAULT_THRESHOLD,
                       LATE_SUBMITTED,
                       NOT_SUBMITTED,
                       QUIZ_CLOSED,
                       QUIZ_DRAFT,
                       QUIZ_OPEN,
                       REPORT_COUNTS,
                       REPORT_STATES,
                       REPORTED,
                       RETURNED,
                       SUBMITTED,
                       Essay,
                       OutcomeSettings,
                       Quiz,
                       QuizQuestion,
                       QuizSubmission,
                       ResultReport,
)
from .people import Person
from .sessions import (BRIDGE_POINT, CELL, COMMITTEE, FRONT, HALL, OFFICE, ORGANIZATION,
                       UNIT_KINDS, VENUE_KINDS, WINDOW_AUTO, WINDOW_CLOSED, WINDOW_OPEN, Category, Document,
                       ExpectedCount, LinkCheck, StudySession, Unit, Venue)

__all__ = [
    "KeptCascade",
    "LinkCheck",
    "ABSENT_EXCUSED", "ABSENT_UNEXCUSED", "ATTENDED", "IN_PERSON", "MODES", "ONLINE", "BRIDGE_POINT", "CELL", "COMMITTEE",
    "COORDINATOR", "FRONT", "HALL", "OFFICE", "ORGANIZATION",
    "LATE", "METHODS", "ORGANIZER", "PRESENT", "REPORTER", "ROLES", "SCOPED_ROLES", "STAFF",
    "STATUSES", "UNIT_KINDS", "UNIT_ROLES", "VENUE_KINDS", "VENUE_ROLES", "VIEWER", "WINDOW_AUTO",
    "WINDOW_CLOSED", "WINDOW_OPEN",
    "ApiToken", "Attendance", "AuditEntry", "Base", "Category", "Document", "ExpectedCount",
    "MakeupAttendance", "MakeupSession", "Person", "ScanAttempt", "StudySession", "UTCDateTime",
    "SignInName", "Unit", "User", "Venue", "VenueAssignment",
    # background jobs
    "DONE", "FAILED", "JOB_STATES", "QUEUED", "RUNNING", "Job",
    # the member registry
    "ACTIVE", "EXEMPT", "MEMBER_STATUSES", "MOVED", "Member", "MemberMove",
    # learning outcomes
    "ACCEPTED", "DEFAULT_GRADES", "DEFAULT_THRESHOLD", "LATE_SUBMITTED", "NOT_SUBMITTED",
    "QUIZ_CLOSED", "QUIZ_DRAFT", "QUIZ_OPEN", "REPORT_COUNTS", "REPORT_STATES", "REPORTED",
    "RETURNED", "SUBMITTED", "Essay", "OutcomeSettings", "Quiz", "QuizQuestion",
    "QuizSubmission", "ResultReport",
]
