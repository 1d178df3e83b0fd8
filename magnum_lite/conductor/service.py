"""The conductor loop: heartbeat, create_timeout sweep, health polls, claimed operations,
container actions and their reconcile."""

import logging
import os
import socket
import threading
import time
import uuid

import sqlalchemy as sa

from magnum_lite import doorbell
from magnum_lite import status as st
from magnum_lite.conductor import allocation, tasks
from magnum_lite.conductor import clusters as cluster_objects
from magnum_lite.containers import worker as container_worker
from magnum_lite.db import api, models, operations

LOG = logging.getLogger(__name__)
BINARY = "magnum-conductor"


def heartbeat(conf, binary=BINARY, host=None):
    """Record that this service is up (upsert on host + binary)."""
    host = host or socket.gethostname()
    now = models.utcnow()
    with api.session(conf) as ses:
        row = ses.scalar(sa.select(models.Service).where(models.Service.host == host,
                                                         models.Service.binary == binary))
        if row is None:
            ses.add(models.Service(host=host, binary=binary, report_count=1,
                                   last_seen_up=now))
        else:
            row.report_count += 1
            row.last_seen_up = now
            row.updated_at = now


def enforce_timeouts(conf, now=None):
    """Fail every cluster past its create_timeout, even one no conductor has picked up."""
    now = now or models.utcnow()
    with api.session(conf) as ses:
        rows = ses.scalars(sa.select(models.Cluster).where(
            models.Cluster.status == st.CREATE_IN_PROGRESS,
            models.Cluster.create_timeout > 0)).all()
    failed = []
    for row in rows:
        deadline = tasks.deadline_of(conf, row)
        if deadline is None or now < deadline:
            continue
        reason = tasks.timeout_reason(row)
        if tasks.set_cluster(conf, row.uuid, st.CREATE_IN_PROGRESS,
                             **tasks.fail_values("create", reason)):
            with api.session(conf) as ses:
                operations.cancel_queued(ses, row.uuid, "create", reason)
            failed.append(row.uuid)
    return failed


def poll_health(conf, driver, hosts_by_name):
    """Ask the driver about every running cluster; write health_status and its reason."""
    with api.session(conf) as ses:
        rows = ses.scalars(sa.select(models.Cluster).where(
            models.Cluster.status.in_(sorted(st.RUNNING)))).all()
        allocs = {row.uuid: allocation.allocated(ses, row.uuid) for row in rows}
    for row in rows:
        hosts = [hosts_by_name[a.host] for a in allocs[row.uuid] if a.host in hosts_by_name]
        try:
            status, reason, nodes = driver.health(cluster_objects.for_driver(row), hosts)
        except Exception as exc:
            status, reason, nodes = "UNKNOWN", tasks.describe(exc), []
        with api.session(conf) as ses:
            ses.execute(sa.update(models.Cluster).where(models.Cluster.uuid == row.uuid)
                        .values(**tasks.health_values(status, reason, nodes))
                        .execution_options(synchronize_session=False))


class Conductor:
    """One conductor process (several may share a database)."""

    def __init__(self, conf, driver, hosts_loader, owner=None):
        self.conf, self.driver, self.hosts_loader = conf, driver, hosts_loader
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.stop_event = threading.Event()
        self._next_beat = 0.0
        self._next_health = time.monotonic() + conf.conductor.health_interval
        self.runner = tasks.Runner(conf, driver, self.owner, tick=self._beat)
        self.containers = container_worker.ContainerWorker(conf, self.owner)
        self.doorbell = None

    def _beat(self):
        if time.monotonic() >= self._next_beat:
            heartbeat(self.conf)
            self._next_beat = time.monotonic() + self.conf.conductor.heartbeat_interval

    def run_once(self):
        """One pass; True when an operation ran."""
        self._beat()
        enforce_timeouts(self.conf)
        interval = self.conf.conductor.health_interval
        if interval and time.monotonic() >= self._next_health:
            self._next_health = time.monotonic() + interval
            poll_health(self.conf, self.driver,
                        {h.name: h for h in self.hosts_loader(self.conf)})
        containers_busy = self.containers.run_once()
        op = operations.claim(self.conf, self.owner)
        if op is None:
            return containers_busy
        LOG.info("running %s of cluster %s (operation %s, attempt %s)",
                 op.kind, op.cluster_uuid, op.id, op.attempts)
        self.runner.run(op)
        return True

    def run(self):
        LOG.info("conductor %s started", self.owner)
        self.doorbell = doorbell.Listener(self.conf, self.stop_event)
        try:
            while not self.stop_event.is_set():
                try:
                    busy = self.run_once()
                except Exception:
                    LOG.exception("conductor pass failed")
                    busy = False
                if not busy:
                    self.doorbell.wait(self.conf.conductor.poll_interval)
        finally:
            self.doorbell.close()
            self.containers.stop()

    def stop(self):
        self.stop_event.set()
        doorbell.ring(self.conf)
