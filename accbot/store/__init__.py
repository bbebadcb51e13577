"""The store: SQLAlchemy models, sessions, Alembic migrations and one small module per topic.

``Database(url)`` opens it (SQLite by default, PostgreSQL in production) and
``Database.migrate()`` brings the schema up to date on start. The topic modules
(``alerts``, ``audit``, ``watches``, ``mutes``, ``lease``, ``cursors``, ``approvals``,
``notices``) hold plain functions that take a ``Session``.
"""

from accbot.store.db import Database, normalize_url
from accbot.store.models import (
    Alert,
    ApprovalRequest,
    AuditEntry,
    Lease,
    Mute,
    Notice,
    Replica,
    RunCursor,
    Watch,
)

__all__ = [
    "Alert",
    "ApprovalRequest",
    "AuditEntry",
    "Database",
    "Lease",
    "Mute",
    "Notice",
    "Replica",
    "RunCursor",
    "Watch",
    "normalize_url",
]
