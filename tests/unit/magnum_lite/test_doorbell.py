"""The API rings the conductor's doorbell once an operation is queued (committed)."""

import threading
import time

from magnum_lite import doorbell
from magnum_lite.db import operations


def test_ring_wakes_a_waiting_listener(conf):
    listener = doorbell.Listener(conf, threading.Event())
    try:
        doorbell.ring(conf)
        started = time.monotonic()
        listener.wait(5)
        assert time.monotonic() - started < 1
        started = time.monotonic()
        listener.wait(0.2)  # the ring was consumed: this one times out
        assert time.monotonic() - started >= 0.19
    finally:
        listener.close()


def test_a_second_listener_polls_and_a_stale_socket_is_taken_over(conf):
    stop = threading.Event()
    first = doorbell.Listener(conf, stop)
    second = doorbell.Listener(conf, stop)
    assert first.sock is not None and second.sock is None
    first.sock.close()  # a conductor that died: its socket file stays
    first.sock = None
    third = doorbell.Listener(conf, stop)
    assert third.sock is not None
    third.close()


def test_ring_without_listener_is_harmless(conf):
    doorbell.ring(conf)
    conf.set_override("wakeup_socket", "", "conductor")
    doorbell.ring(conf)


def test_create_rings_after_commit(conf, client, template, monkeypatch):
    seen = []

    def ring(rung_conf):
        seen.append(operations.claim(conf, "probe") is not None)
    monkeypatch.setattr(doorbell, "ring", ring)
    assert client.get("/v1/clusters").status_int == 200
    assert seen == []
    client.post("/v1/clusters", {"name": "c1", "cluster_template_id": template["uuid"],
                                 "node_count": 1})
    assert seen == [True]
