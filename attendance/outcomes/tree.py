"""The unit tree and the session family as SQL (recursive CTEs), shared by the cascade's
figures and the scope checks: a unit's subtree, its ancestors, a session's follow-on classes."""

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from attendance.models import StudySession, Unit


def subtree(root_id: int | None):
    """(unit_id, depth) for every unit under ``root_id`` (the root included, at depth 0); every
    unit when ``root_id`` is None (each root at depth 0)."""
    start = select(Unit.id.label("unit_id"), literal(0).label("depth"))
    start = start.where(Unit.id == root_id) if root_id is not None \
        else start.where(Unit.parent_id.is_(None))
    tree = start.cte("subtree", recursive=True)
    child = Unit.__table__.alias("child")
    return tree.union_all(select(child.c.id, tree.c.depth + 1)
                          .join(child, child.c.parent_id == tree.c.unit_id))


def family(session_id: int):
    """The session and every follow-on class below it (parent_session_id), as a CTE of ids."""
    start = select(StudySession.id.label("id")).where(StudySession.id == session_id)
    tree = start.cte("session_family", recursive=True)
    child = StudySession.__table__.alias("follow_on")
    return tree.union_all(select(child.c.id).select_from(tree)
                          .join(child, child.c.parent_session_id == tree.c.id))


def lineage(db: Session, unit_id: int | None) -> list[int]:
    """The unit's id and its ancestors' ids, nearest first (what a scope check needs)."""
    if unit_id is None:
        return []
    up = select(Unit.id.label("id"), Unit.parent_id.label("parent_id"), literal(0).label("n")) \
        .where(Unit.id == unit_id).cte("lineage", recursive=True)
    parent = Unit.__table__.alias("parent")
    up = up.union_all(select(parent.c.id, parent.c.parent_id, up.c.n + 1).select_from(up)
                      .join(parent, parent.c.id == up.c.parent_id))
    return list(db.scalars(select(up.c.id).order_by(up.c.n)))
