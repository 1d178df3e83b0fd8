"""The conductor's guarantees: one owner per operation, create_timeout, crash recovery."""

import datetime
import threading
import time

import sqlalchemy as sa

from magnum_lite.conductor import service as conductor_service
from magnum_lite.db import api as db_api
from magnum_lite.db import models, operations


def _queue(conf, count):
    with db_api.session(conf) as ses:
        for number in range(count):
            operations.enqueue(ses, f"cluster-{number}", "create")


def _expire_leases(conf):
    with db_api.session(conf) as ses:
        ses.execute(sa.update(models.Operation).values(
            lease_until=models.utcnow() - datetime.timedelta(seconds=1)))


def test_racing_workers_never_share_an_operation(conf):
    _queue(conf, 40)
    claimed = {"a": [], "b": [], "c": []}
    start = threading.Barrier(3)

    def worker(owner):
        start.wait()
        while (op := operations.claim(conf, owner)) is not None:
            claimed[owner].append(op.id)

    threads = [threading.Thread(target=worker, args=(owner,)) for owner in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [op_id for ids in claimed.values() for op_id in ids]
    assert sorted(every) == list(range(1, 41))  # each exactly once


def test_a_live_lease_is_not_taken_an_expired_one_is(conf):
    _queue(conf, 1)
    first = operations.claim(conf, "a")
    assert operations.claim(conf, "b") is None
    assert operations.renew(conf, first.id, "a")
    _expire_leases(conf)
    second = operations.claim(conf, "b")
    assert (second.id, second.owner, second.attempts) == (first.id, "b", 2)
    assert not operations.renew(conf, first.id, "a")


def test_one_cluster_runs_one_operation_at_a_time(conf):
    with db_api.session(conf) as ses:
        operations.enqueue(ses, "same", "create")
        operations.enqueue(ses, "same", "delete")
    assert operations.claim(conf, "a").kind == "create"
    assert operations.claim(conf, "b") is None


def _show(client):
    return client.get("/v1/clusters/c1").json_body_or_none


def test_create_timeout_interrupts_a_slow_driver(conf, client, create_cluster, conductor):
    conf.set_override("timeout_unit_seconds", 0.3, "conductor")
    create_cluster(create_timeout=1, labels={"fake_sleep": "3"})
    started = time.monotonic()
    conductor.drain()
    assert time.monotonic() - started < 2
    body = _show(client)
    assert body["status"] == "CREATE_FAILED"
    assert body["status_reason"] == ("Cluster creation did not finish within "
                                     "create_timeout (1 minute(s)).")


def test_create_timeout_fails_a_cluster_nobody_picked_up(conf, client, create_cluster):
    conf.set_override("timeout_unit_seconds", 0.01, "conductor")
    create_cluster(create_timeout=1)
    time.sleep(0.05)
    assert len(conductor_service.enforce_timeouts(conf)) == 1
    assert _show(client)["status"] == "CREATE_FAILED"
    with db_api.session(conf) as ses:
        assert ses.scalar(sa.select(models.Operation.state)) == "failed"


def test_zero_timeout_means_none(conf, client, create_cluster, conductor):
    conf.set_override("timeout_unit_seconds", 0.01, "conductor")
    create_cluster(create_timeout=0, labels={"fake_sleep": "0.1"})
    conductor.drain()
    assert _show(client)["status"] == "CREATE_COMPLETE"


def test_interrupted_operation_is_resumed(conf, client, create_cluster, conductor):
    create_cluster()
    assert operations.claim(conf, "crashed-conductor") is not None
    assert not conductor.run_once()  # the crashed one's lease still holds
    _expire_leases(conf)
    conductor.drain()
    assert _show(client)["status"] == "CREATE_COMPLETE"


def test_operation_interrupted_too_often_fails(conf, client, create_cluster, conductor):
    conf.set_override("max_attempts", 1, "conductor")
    create_cluster()
    operations.claim(conf, "crashed-conductor")
    _expire_leases(conf)
    conductor.drain()
    body = _show(client)
    assert body["status"] == "CREATE_FAILED"
    assert "was interrupted 1 time(s)" in body["status_reason"]


def test_health_poll_writes_health(conf, client, create_cluster, conductor):
    create_cluster(labels={"fake_fail": "health"})
    conductor.drain()
    conductor_service.poll_health(conf, conductor.driver, {})
    body = _show(client)
    assert body["health_status"] == "UNKNOWN"
    assert "fake driver refused to health" in body["health_status_reason"]["summary"]


def test_heartbeats_count(conf):
    conductor_service.heartbeat(conf, host="h")
    conductor_service.heartbeat(conf, host="h")
    with db_api.session(conf) as ses:
        row = ses.scalar(sa.select(models.Service))
    assert (row.host, row.report_count) == ("h", 2)
