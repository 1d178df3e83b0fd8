"""The operation queue: API processes enqueue, conductors claim with an owner and a lease.

A claim is one conditional UPDATE (queued, or running with an expired lease), so two
conductors never both own one operation; a cluster's operations run one at a time, oldest
first.
"""

import datetime

import sqlalchemy as sa

from magnum_lite.db import api, models

Op = models.Operation
UNFINISHED = ("queued", "running")


def enqueue(ses, cluster_uuid, kind, **params):
    op = Op(cluster_uuid=cluster_uuid, kind=kind, params=params, state="queued", attempts=0)
    ses.add(op)
    ses.info["enqueued"] = True  # the API rings the conductor's doorbell after the commit
    return op


def _claimable(now):
    return sa.or_(Op.state == "queued", sa.and_(Op.state == "running", Op.lease_until < now))


def claim(conf, owner, now=None):
    """Take the oldest runnable operation for ``owner``; None when there is none."""
    now = now or models.utcnow()
    lease = now + datetime.timedelta(seconds=conf.conductor.lease_seconds)
    with api.session(conf) as ses:
        candidates = ses.execute(sa.select(Op.id, Op.cluster_uuid).where(_claimable(now))
                                 .order_by(Op.id).limit(50)).all()
    for op_id, cluster_uuid in candidates:
        with api.session(conf) as ses:
            earlier = ses.scalar(sa.select(sa.func.count()).select_from(Op).where(
                Op.cluster_uuid == cluster_uuid, Op.id < op_id, Op.state.in_(UNFINISHED)))
            if earlier:
                continue
            claimed = ses.execute(
                sa.update(Op).where(Op.id == op_id, _claimable(now))
                .values(state="running", owner=owner, lease_until=lease,
                        attempts=Op.attempts + 1, updated_at=now)
                .execution_options(synchronize_session=False)).rowcount
            if claimed == 1:
                return ses.get(Op, op_id)
    return None


def renew(conf, op_id, owner):
    """Extend the lease; False means another conductor took the operation over."""
    lease = models.utcnow() + datetime.timedelta(seconds=conf.conductor.lease_seconds)
    with api.session(conf) as ses:
        return ses.execute(sa.update(Op).where(Op.id == op_id, Op.owner == owner,
                                               Op.state == "running")
                           .values(lease_until=lease)
                           .execution_options(synchronize_session=False)).rowcount == 1


def finish(ses, op_id, state, result=None):
    ses.execute(sa.update(Op).where(Op.id == op_id)
                .values(state=state, result=result, lease_until=None)
                .execution_options(synchronize_session=False))


def cancel_queued(ses, cluster_uuid, kind, reason):
    ses.execute(sa.update(Op).where(Op.cluster_uuid == cluster_uuid, Op.kind == kind,
                                    Op.state.in_(UNFINISHED))
                .values(state="failed", result=reason, lease_until=None)
                .execution_options(synchronize_session=False))
