"""The conductor's side of containers: claim pending actions (leased, so two conductors
never run one), run them in a thread pool, and keep every container's status true to its
swarm task (reconcile).

An action ends by writing its outcome only while this conductor still holds the claim:
a forced delete that replaced it wins, and what the lost action made is found by the
reconcile (a service whose container no longer exists is removed).
"""

import concurrent.futures
import dataclasses
import datetime
import logging
import threading
import time
import uuid as uuidlib

import sqlalchemy as sa

from magnum_lite import status as cluster_status
from magnum_lite.containers import access as cluster_access
from magnum_lite.containers import observer, placement, request
from magnum_lite.containers import states as st
from magnum_lite.db import api, models
from magnum_lite.drivers.swarm_mode import logic
from openstack_docker import errors

LOG = logging.getLogger(__name__)
C = models.Container
_POLL = 0.2


class ActionFailed(Exception):
    pass


def _claimable(now):
    return sa.and_(C.task_state.is_not(None),
                   sa.or_(C.claim_until.is_(None), C.claim_until < now))


def describe(exc):
    if isinstance(exc, ActionFailed | placement.ImageNotFound):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


class ContainerWorker:
    """Part of a conductor: ``run_once()`` claims and dispatches, ``reconcile()`` syncs."""

    def __init__(self, conf, owner):
        self.conf, self.owner = conf, owner
        self.access = cluster_access.ClusterAccess(conf)
        self.networks = placement.Networks()
        self.pool = concurrent.futures.ThreadPoolExecutor(
            conf.containers.workers, thread_name_prefix="container-action")
        self.in_flight = set()
        self.dirty = set()
        self._lock = threading.Lock()
        self._next_reconcile = 0.0

    # -- claims ---------------------------------------------------------------------
    def claim(self):
        """Rows this conductor now owns the pending action of (at most what its pool
        can start soon)."""
        with self._lock:
            room = 2 * self.conf.containers.workers - len(self.in_flight)
        limit = min(room, self.conf.containers.claim_batch)
        if limit <= 0:
            return []
        now = models.utcnow()
        lease = now + datetime.timedelta(seconds=self.conf.conductor.lease_seconds)
        token = f"{self.owner}/{uuidlib.uuid4().hex[:8]}"
        with api.session(self.conf, write=False) as ses:
            ids = ses.scalars(sa.select(C.id).where(_claimable(now)).order_by(C.id)
                              .limit(limit)).all()
        if not ids:
            return []
        with api.session(self.conf) as ses:
            ses.execute(sa.update(C).where(C.id.in_(ids), _claimable(now))
                        .values(claim_owner=token, claim_until=lease)
                        .execution_options(synchronize_session=False))
            return ses.scalars(sa.select(C).where(C.claim_owner == token)).all()

    def run_once(self):
        """Dispatch claimed actions; reconcile when due. True when an action started."""
        rows = self.claim()
        for row in rows:
            with self._lock:
                self.in_flight.add(row.uuid)
            self.pool.submit(self._run, row)
        now = time.monotonic()
        with self._lock:
            due = now >= self._next_reconcile or (
                self.dirty and now >= self._next_reconcile
                - self.conf.containers.reconcile_interval + 0.3)
        if due:
            self._next_reconcile = now + self.conf.containers.reconcile_interval
            self.reconcile()
        return bool(rows)

    def stop(self):
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, row):
        action = row.task_state
        try:
            values = getattr(self, "_" + action.removeprefix("container_"))(row)
        except Exception as exc:
            LOG.warning("container %s: %s failed: %s", row.uuid, action, exc,
                        exc_info=not isinstance(exc, ActionFailed | placement.ImageNotFound))
            values = {"status": st.ERROR, "status_reason": describe(exc)}
        finally:
            with self._lock:
                self.in_flight.discard(row.uuid)
                self.dirty.add(row.cluster_uuid)
        if values is not None:
            self._finish(row, values)

    def _finish(self, row, values):
        values.update(task_state=None, claim_owner=None, claim_until=None,
                      action_params={}, updated_at=models.utcnow())
        with api.session(self.conf) as ses:
            done = ses.execute(sa.update(C).where(C.uuid == row.uuid,
                                                  C.claim_owner == row.claim_owner)
                               .values(**values)
                               .execution_options(synchronize_session=False)).rowcount
        if not done:
            LOG.info("container %s: %s outcome dropped (the claim was replaced)",
                     row.uuid, row.task_state)

    # -- actions --------------------------------------------------------------------
    def _cluster(self, row):
        with api.session(self.conf, write=False) as ses:
            cluster = ses.scalar(sa.select(models.Cluster).where(
                models.Cluster.uuid == row.cluster_uuid))
        if cluster is None or cluster.status not in cluster_status.RUNNING:
            raise ActionFailed(f"cluster {row.cluster_uuid} is "
                               + (cluster.status if cluster else "gone"))
        return self.access.manager(row.cluster_uuid)

    def _creating(self, row):
        manager = self._cluster(row)
        run = bool((row.action_params or {}).get("run"))
        image_ref = placement.resolve_image(manager, row.image,
                                            (row.spec or {}).get("image_pull_policy"))
        existing = manager.list_services(resource_id=row.cluster_uuid,
                                         labels={request.CONTAINER_LABEL: row.uuid})
        if existing:  # a create resumed after its conductor stopped
            service_id = existing[0]["ID"]
        else:
            service_id = self._create_service(manager, row, image_ref, 1 if run else 0)
        return {"service_id": service_id, "image_ref": image_ref, "status_reason": None,
                "status": st.CREATING if run else st.CREATED}

    def _create_service(self, manager, row, image_ref, replicas):
        for attempt in range(2):
            network_id = self.networks.ensure(manager, row.cluster_uuid, row.project_id)
            fields = dataclasses.asdict(request.service_spec(row, image_ref, network_id,
                                                             replicas))
            try:
                return manager.create_service(fields.pop("image"), name=f"zun-{row.uuid}",
                                              resource_id=row.cluster_uuid, **fields)
            except Exception as exc:
                if attempt == 0 and "network" in str(exc).lower() and "not found" in str(
                        exc).lower():
                    self.networks.forget(row.cluster_uuid, row.project_id)
                    continue  # removed by a delete that raced us: make it again
                self._release_network(manager, row)
                raise
        raise AssertionError("unreachable")

    def _release_network(self, manager, row):
        with api.session(self.conf, write=False) as ses:
            others = ses.scalar(sa.select(sa.func.count()).select_from(C).where(
                C.cluster_uuid == row.cluster_uuid, C.project_id == row.project_id,
                C.uuid != row.uuid))
        if not others:
            self.networks.release(manager, row.cluster_uuid, row.project_id)

    def _view(self, row):
        view = observer.ClusterView(self.access, row.cluster_uuid,
                                    service_ids=[row.service_id] if row.service_id else [])
        return view.observe(row)

    def _settle(self, row, done, timeout):
        """Observe the container until ``done(status)`` or the timeout; its values."""
        deadline = time.monotonic() + timeout
        while True:
            seen, values = self._view(row)
            if done(seen.status) or time.monotonic() > deadline:
                return values
            time.sleep(_POLL)

    def _require_service(self, row):
        if not row.service_id:
            raise ActionFailed(f"container {row.uuid} has no service (its create failed)")
        return self._cluster(row)

    def _starting(self, row):
        self._require_service(row).update_service(row.service_id, replicas=1,
                                                  restart_tasks=True)
        row.status = st.STOPPED  # observed from now on as a started container
        return self._settle(row, lambda s: s not in (st.CREATING, st.RESTARTING,
                                                     st.STOPPED), 30)

    def _stopping(self, row):
        manager = self._require_service(row)
        timeout = int((row.action_params or {}).get("timeout", 10))
        _seen, before = self._view(row)
        manager.update_service(row.service_id, replicas=0)
        self._stop_on_node(row, before, timeout)
        return self._settle(row, lambda s: s != st.RUNNING, timeout + 15)

    def _stop_on_node(self, row, observed, timeout):
        """Honour the stop timeout: stop the task's container on its node too (swarm's
        own stop waits the service's grace period)."""
        if not observed.get("container_id"):
            return
        try:
            engine = self.access.node_engine(row.cluster_uuid, observed["node_id"])
            engine.stop(observed["container_id"], timeout=timeout)
        except Exception as exc:  # gone already, or its node down: swarm stops it
            LOG.info("container %s: stop on its node: %s", row.uuid, exc)

    def _rebooting(self, row):
        manager = self._require_service(row)
        timeout = int((row.action_params or {}).get("timeout", 10))
        _seen, before = self._view(row)
        manager.update_service(row.service_id, replicas=1, restart_tasks=True)
        self._stop_on_node(row, before, timeout)
        old_task = before.get("task_id")

        def replaced(status):
            return status not in (st.CREATING, st.RESTARTING, st.STOPPED)
        deadline = time.monotonic() + timeout + 30
        while True:
            seen, values = self._view(row)
            if (replaced(seen.status) and values.get("task_id") != old_task) or \
                    time.monotonic() > deadline:
                return values
            time.sleep(_POLL)

    def _node_call(self, row, method, *args):
        self._require_service(row)
        seen, values = self._view(row)
        if not values.get("container_id") or seen.status not in (st.RUNNING, st.PAUSED):
            raise ActionFailed(f"container {row.uuid} has no running task ({seen.status})")
        engine = self.access.node_engine(row.cluster_uuid, values["node_id"])
        getattr(engine, method)(values["container_id"], *args)
        return values

    def _pausing(self, row):
        return {**self._node_call(row, "pause"), "status": st.PAUSED, "status_reason": None}

    def _unpausing(self, row):
        return {**self._node_call(row, "unpause"), "status": st.RUNNING,
                "status_reason": None}

    def _killing(self, row):
        self._node_call(row, "kill", (row.action_params or {}).get("signal"))
        time.sleep(_POLL)
        return self._view(row)[1]

    def _deleting(self, row):
        try:
            manager = self.access.manager(row.cluster_uuid)
        except cluster_access.DriverError:
            manager = None
        if manager is not None:
            for service in manager.list_services(
                    resource_id=row.cluster_uuid, labels={request.CONTAINER_LABEL: row.uuid}):
                manager.remove_service(service["ID"])
        elif self._cluster_exists(row.cluster_uuid):
            raise ActionFailed(f"no manager of cluster {row.cluster_uuid} answers; delete "
                               "the container again once it does")
        with api.session(self.conf) as ses:
            ses.execute(sa.delete(C).where(C.uuid == row.uuid,
                                           C.claim_owner == row.claim_owner))
        if manager is not None:  # after the row is gone: concurrent deletes all see it
            self._release_network(manager, row)
        return None

    def _cluster_exists(self, cluster_uuid):
        with api.session(self.conf, write=False) as ses:
            return ses.scalar(sa.select(models.Cluster.id).where(
                models.Cluster.uuid == cluster_uuid)) is not None

    # -- reconcile ------------------------------------------------------------------
    def reconcile(self):
        """Every container's status from its task, cluster by cluster; a cluster (or a
        container) that cannot be looked at keeps its last status and hides no other."""
        with api.session(self.conf, write=False) as ses:
            clusters = ses.scalars(sa.select(C.cluster_uuid).distinct()).all()
        with self._lock:
            self.dirty.clear()
        for cluster_uuid in clusters:
            try:
                self.reconcile_cluster(cluster_uuid)
            except Exception as exc:
                LOG.warning("cluster %s: containers not reconciled: %s", cluster_uuid, exc)

    def reconcile_cluster(self, cluster_uuid):
        if not self._cluster_exists(cluster_uuid):
            self._orphaned(cluster_uuid)
            return
        # Rows first, the swarm after: a service a row names then is in the listing (a
        # create that finishes in between is skipped: its row still had a task_state).
        with api.session(self.conf, write=False) as ses:
            rows = ses.scalars(sa.select(C).where(C.cluster_uuid == cluster_uuid)).all()
        view = observer.ClusterView(self.access, cluster_uuid)
        known = {row.uuid for row in rows}
        changes = []
        for row in rows:
            if row.task_state is not None or not row.service_id:
                continue
            try:
                _seen, values = view.observe(row)
            except Exception as exc:
                LOG.warning("container %s: not reconciled: %s", row.uuid, exc)
                continue
            if any(getattr(row, key) != value for key, value in values.items()):
                changes.append((row.uuid, values))
        if changes:
            with api.session(self.conf) as ses:
                for uuid, values in changes:
                    ses.execute(sa.update(C).where(C.uuid == uuid, C.task_state.is_(None))
                                .values(**values, updated_at=models.utcnow())
                                .execution_options(synchronize_session=False))
        self._sweep_networks(view, {row.project_id for row in rows})
        for uuid, service in view.services.items():
            if uuid not in known and not self._row_exists(uuid):
                LOG.info("removing service %s: its container %s no longer exists",
                         service["ID"], uuid)
                try:
                    view.manager.remove_service(service["ID"])
                except errors.DockerLayerError as exc:
                    LOG.warning("service %s not removed: %s", service["ID"], exc)

    def _orphaned(self, cluster_uuid):
        """The containers of a deleted cluster: their services went with its swarm. They
        are in Error, saying so, until they are deleted (nothing is left to stop)."""
        reason = f"cluster {cluster_uuid} was deleted with this container's service"
        with api.session(self.conf) as ses:
            ses.execute(sa.update(C).where(C.cluster_uuid == cluster_uuid,
                                           C.task_state.is_(None),
                                           C.status_reason.is_distinct_from(reason))
                        .values(status=st.ERROR, status_reason=reason,
                                updated_at=models.utcnow())
                        .execution_options(synchronize_session=False))

    def _sweep_networks(self, view, projects):
        """Remove project networks left by a delete that did not finish (a creating
        container's row already names its project, so its network stays)."""
        for network in view.manager.list_networks(resource_id=view.cluster_uuid,
                                                  labels={placement.NETWORK_LABEL: "project"}):
            project = (network.get("Labels") or {}).get(logic.PROJECT_LABEL)
            if project and project not in projects:
                self.networks.release(view.manager, view.cluster_uuid, project)

    def _row_exists(self, uuid):
        with api.session(self.conf, write=False) as ses:
            return ses.scalar(sa.select(C.id).where(C.uuid == uuid)) is not None
