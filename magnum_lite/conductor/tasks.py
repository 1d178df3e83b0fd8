"""The three cluster operations (create, resize, delete) as the conductor runs them.

Each ends the cluster in a *_COMPLETE or *_FAILED status with a reason. Results are
written only while the cluster is still in the status the operation started from, so a
timeout or a newer request is never overwritten by a late driver answer.
"""

import datetime
import logging
import threading

import sqlalchemy as sa

from magnum_lite import drivers
from magnum_lite import status as st
from magnum_lite.conductor import allocation
from magnum_lite.conductor import clusters as cluster_objects
from magnum_lite.db import api, models, operations
from magnum_lite.drivers.base import DriverError

LOG = logging.getLogger(__name__)
FAILED_STATUS = {"create": st.CREATE_FAILED, "resize": st.UPDATE_FAILED,
                 "delete": st.DELETE_FAILED}
RUNNING_STATUS = {"create": st.CREATE_IN_PROGRESS, "resize": st.UPDATE_IN_PROGRESS,
                  "delete": st.DELETE_IN_PROGRESS}


class TimedOut(Exception):
    pass


class LostLease(Exception):
    """Another conductor owns the operation now: stop without writing anything."""


class OperationFailed(Exception):
    pass


def deadline_of(conf, row):
    if not row.create_timeout:
        return None
    return row.created_at + datetime.timedelta(
        seconds=row.create_timeout * conf.conductor.timeout_unit_seconds)


def timeout_reason(row):
    return (f"Cluster creation did not finish within create_timeout ({row.create_timeout} "
            "minute(s)).")


def set_cluster(conf, uuid, expect, **values):
    """Update the cluster if it still has status ``expect``; True when it did."""
    values["updated_at"] = models.utcnow()
    with api.session(conf) as ses:
        return ses.execute(sa.update(models.Cluster)
                           .where(models.Cluster.uuid == uuid, models.Cluster.status == expect)
                           .values(**values)
                           .execution_options(synchronize_session=False)).rowcount == 1


def fail_values(kind, reason):
    return {"status": FAILED_STATUS[kind], "status_reason": reason,
            "faults": {"cluster": reason}}


def describe(exc):
    if isinstance(exc, (DriverError, OperationFailed, TimedOut)):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


class Runner:
    """Runs one claimed operation; ``tick`` is called while the driver works."""

    def __init__(self, conf, driver, owner, tick=None):
        self.conf, self.driver, self.owner = conf, driver, owner
        self.tick = tick or (lambda: None)

    # -- plumbing ---------------------------------------------------------------------
    def call_driver(self, op, method, *args, deadline=None):
        """Run a driver call in a thread, renewing the lease; raise at the deadline."""
        outcome = {}

        def target():
            try:
                outcome["value"] = getattr(self.driver, method)(*args)
            except BaseException as exc:  # handed to the waiting thread
                outcome["error"] = exc

        thread = threading.Thread(target=target, daemon=True, name=f"driver-{method}")
        thread.start()
        step = max(0.05, min(self.conf.conductor.lease_seconds / 3.0, 1.0))
        while True:
            wait = step
            if deadline is not None:
                wait = min(wait, max(0.0, (deadline - models.utcnow()).total_seconds()))
            thread.join(wait)
            if not thread.is_alive():
                break
            if deadline is not None and models.utcnow() >= deadline:
                raise TimedOut(f"driver {method} still running at the deadline")
            if not operations.renew(self.conf, op.id, self.owner):
                raise LostLease(op.id)
            self.tick()
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("value")

    def finish(self, op, state, result=None):
        with api.session(self.conf) as ses:
            operations.finish(ses, op.id, state, result)

    def load(self, uuid):
        with api.session(self.conf) as ses:
            row = ses.scalar(sa.select(models.Cluster).where(models.Cluster.uuid == uuid))
            if row is None:
                return None, None, []
            template = ses.scalar(sa.select(models.ClusterTemplate).where(
                models.ClusterTemplate.uuid == row.cluster_template_id))
            allocs = allocation.allocated(ses, uuid)
        return row, template, allocs

    def hosts_by_name(self):
        return {host.name: host for host in drivers.load_hosts(self.conf)}

    def fail(self, op, row, reason):
        LOG.warning("cluster %s: %s failed: %s", op.cluster_uuid, op.kind, reason)
        set_cluster(self.conf, row.uuid, RUNNING_STATUS[op.kind], **fail_values(op.kind, reason))
        self.finish(op, "failed", reason)

    def store_state(self, cluster_uuid, state):
        with api.session(self.conf) as ses:
            for node in getattr(state, "nodes", None) or []:
                ses.execute(sa.update(models.HostAllocation)
                            .where(models.HostAllocation.host == node.host,
                                   models.HostAllocation.cluster_uuid == cluster_uuid)
                            .values(node_id=node.node_id)
                            .execution_options(synchronize_session=False))
        return {"api_address": state.api_address,
                "master_addresses": list(state.master_addresses or []),
                "node_addresses": list(state.node_addresses or []),
                **health_values("HEALTHY" if all(n.healthy for n in state.nodes or [])
                                else "UNHEALTHY", "", state.nodes or [])}

    # -- operations -------------------------------------------------------------------
    def run(self, op):
        row, template, allocs = self.load(op.cluster_uuid)
        if row is None or row.status != RUNNING_STATUS[op.kind]:
            self.finish(op, "done", "nothing to do: cluster gone or status changed")
            return
        if op.attempts > self.conf.conductor.max_attempts:
            self.fail(op, row, f"The {op.kind} operation was interrupted {op.attempts - 1} "
                               "time(s) (its conductor stopped); not retried.")
            return
        try:
            getattr(self, "_" + op.kind)(op, row, template, allocs)
        except LostLease:
            LOG.warning("operation %s taken over by another conductor", op.id)
        except TimedOut:
            self.fail(op, row, timeout_reason(row))
        except Exception as exc:
            LOG.exception("operation %s (%s of %s) failed", op.id, op.kind, row.uuid)
            self.fail(op, row, describe(exc))

    def _create(self, op, row, template, allocs):
        deadline = deadline_of(self.conf, row)
        if deadline is not None and models.utcnow() >= deadline:
            raise TimedOut(row.uuid)
        by_name = self.hosts_by_name()
        if allocs:  # resumed after a crash: keep the hosts already taken
            managers = [by_name[a.host] for a in allocs if a.role == "master"
                        and a.host in by_name]
            workers = [by_name[a.host] for a in allocs if a.role == "worker"
                       and a.host in by_name]
        else:
            wanted = allocation.wanted_labels(row.labels, template.labels if template else {})
            hosts = list(by_name.values())
            try:
                managers = allocation.take(self.conf, row.uuid, hosts, wanted,
                                           row.master_count, "master")
                workers = allocation.take(self.conf, row.uuid, hosts, wanted,
                                          row.node_count, "worker")
            except allocation.NotEnoughHosts as exc:
                allocation.release(self.conf, row.uuid)
                self.fail(op, row, str(exc))
                return
        try:
            state = self.call_driver(op, "create", cluster_objects.for_driver(row), managers,
                                     workers, deadline=deadline)
        except (LostLease, TimedOut):
            raise  # the driver may still be at work: the hosts stay the cluster's
        except Exception:
            # A failed driver create leaves nothing on the hosts (driver contract): free
            # them, so that the failed cluster does not hold them until it is deleted.
            allocation.release(self.conf, row.uuid)
            raise
        values = self.store_state(row.uuid, state)
        set_cluster(self.conf, row.uuid, st.CREATE_IN_PROGRESS, status=st.CREATE_COMPLETE,
                    status_reason="Cluster created", **values)
        self.finish(op, "done")

    def _choose_removals(self, op, row, masters, workers, by_name, count, requested):
        chosen = []
        for ident in requested:
            match = [a for a in workers if ident in (a.host, a.node_id)]
            if not match:
                raise OperationFailed(f"nodes_to_remove: {ident} is not a worker node of "
                                      f"cluster {row.uuid}.")
            if match[0] not in chosen:
                chosen.append(match[0])
        if len(chosen) > count:
            raise OperationFailed(f"nodes_to_remove names {len(chosen)} node(s) but "
                                  f"node_count {row.node_count - count} removes {count}.")
        if len(chosen) < count:
            unhealthy = set()
            try:
                hosts = [by_name[a.host] for a in masters + workers if a.host in by_name]
                _status, _reason, nodes = self.call_driver(
                    op, "health", cluster_objects.for_driver(row), hosts)
                unhealthy = {n.host for n in nodes if not n.healthy}
            except (LostLease, TimedOut):
                raise
            except Exception:  # no health answer: fall back to newest first
                LOG.info("cluster %s: no health answer while choosing nodes", row.uuid)
            rest = [a for a in reversed(workers) if a not in chosen]
            rest.sort(key=lambda a: a.host not in unhealthy)
            chosen += rest[:count - len(chosen)]
        return chosen

    def _resize(self, op, row, template, allocs):
        target = op.params["node_count"]
        by_name = self.hosts_by_name()
        masters = [a for a in allocs if a.role == "master"]
        workers = [a for a in allocs if a.role == "worker"]
        add, remove = [], []
        if target > len(workers):
            wanted = allocation.wanted_labels(row.labels, template.labels if template else {})
            try:
                add = allocation.take(self.conf, row.uuid, list(by_name.values()), wanted,
                                      target - len(workers), "worker")
            except allocation.NotEnoughHosts as exc:
                raise OperationFailed(str(exc)) from None
        elif target < len(workers) or op.params.get("nodes_to_remove"):
            remove = self._choose_removals(op, row, masters, workers, by_name,
                                           max(0, len(workers) - target),
                                           op.params.get("nodes_to_remove") or [])
        removed = {a.host for a in remove}
        keep = [by_name[a.host] for a in workers if a.host not in removed and a.host in by_name]
        try:
            state = self.call_driver(
                op, "resize", cluster_objects.for_driver(row, node_count=target),
                [by_name[a.host] for a in masters if a.host in by_name], keep + add, add,
                [by_name[a.host] for a in remove if a.host in by_name])
        except (LostLease, TimedOut):
            raise
        except Exception:
            allocation.release(self.conf, row.uuid, [h.name for h in add])
            raise
        allocation.release(self.conf, row.uuid, removed)
        values = self.store_state(row.uuid, state)
        set_cluster(self.conf, row.uuid, st.UPDATE_IN_PROGRESS, status=st.UPDATE_COMPLETE,
                    status_reason=f"Cluster resized to {target} node(s)", node_count=target,
                    **values)
        self.finish(op, "done")

    def _delete(self, op, row, template, allocs):
        by_name = self.hosts_by_name()
        hosts = [by_name[a.host] for a in allocs if a.host in by_name]
        self.call_driver(op, "delete", cluster_objects.for_driver(row), hosts)
        with api.session(self.conf) as ses:
            ses.execute(sa.delete(models.HostAllocation).where(
                models.HostAllocation.cluster_uuid == row.uuid))
            ses.execute(sa.delete(models.Cluster).where(models.Cluster.uuid == row.uuid,
                                                        models.Cluster.status
                                                        == st.DELETE_IN_PROGRESS))
            operations.finish(ses, op.id, "done")


def health_values(status, reason, nodes):
    detail = {"summary": reason or status}
    for node in nodes:
        detail[f"{node.host}.healthy"] = "True" if node.healthy else f"False: {node.reason}"
    return {"health_status": status, "health_status_reason": detail}
