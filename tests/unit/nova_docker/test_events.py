"""The events watcher with a fake engine: translation, the driver's own changes, resync
and reconnection after the stream ends, STOPPED rechecks (no Docker needed)."""

import queue
import threading

from nova.virt import event as virtevent
from nova_docker import events
from openstack_docker import errors
from openstack_docker import labels as ownership

STARTED, STOPPED = virtevent.EVENT_LIFECYCLE_STARTED, virtevent.EVENT_LIFECYCLE_STOPPED


def engine_event(action, uuid, **attributes):
    return {"Type": "container", "Action": action,
            "Actor": {"Attributes": {ownership.RESOURCE_ID: uuid, **attributes}}}


class FakeStream:
    def __init__(self, items, stays_open):
        self.items, self.stays_open, self.closed = items, stays_open, threading.Event()

    def __iter__(self):
        yield from self.items
        if self.stays_open:  # nothing more until closed; else the engine went away
            self.closed.wait(5)

    def close(self):
        self.closed.set()


class FakeEngine:
    """Each subscription gets the next script; the last one stays open."""

    endpoint = "unix:///fake.sock"

    def __init__(self, scripts, containers):
        self.scripts, self.containers, self.subscriptions = list(scripts), containers, 0

    def container_events(self, labels):
        self.subscriptions += 1
        if not self.scripts:
            raise errors.EngineUnreachable("down")
        script = self.scripts.pop(0)
        if isinstance(script, Exception):
            raise script
        return FakeStream(script, stays_open=not self.scripts)

    def list_containers(self, all, filters):
        return self.containers


def run(engine, is_news=lambda uuid, transition: True, running=lambda uuid: True,
        count=1, timeout=5):
    emitted, exits = queue.Queue(), []
    watcher = events.EventWatcher(engine, {"host": "h"}, emitted.put, running, is_news,
                                  lambda uuid, code: exits.append((uuid, code)))
    watcher.start()
    try:
        got = [emitted.get(timeout=timeout) for _ in range(count)]
    finally:
        watcher.stop()
    return [(e.get_instance_uuid(), e.get_transition()) for e in got], exits


def test_engine_actions_become_lifecycle_events():
    engine = FakeEngine([[engine_event("exec_die", "a"), engine_event("start", "a"),
                          engine_event("pause", "a"), engine_event("unpause", "a"),
                          engine_event("die", "a", exitCode="3")]], [])
    got, exits = run(engine, count=4)
    assert got == [("a", STARTED), ("a", virtevent.EVENT_LIFECYCLE_PAUSED),
                   ("a", virtevent.EVENT_LIFECYCLE_RESUMED), ("a", STOPPED)]
    assert exits == [("a", "3")]


def test_the_drivers_own_changes_are_not_emitted():
    engine = FakeEngine([[engine_event("start", "a"), engine_event("die", "b", exitCode="0"),
                          engine_event("start", "b")]], [])
    got, exits = run(engine, is_news=lambda uuid, transition: uuid == "b" and
                     transition == STARTED)
    assert got == [("b", STARTED)] and exits == []


def test_reconnects_and_resyncs_after_the_stream_ends(monkeypatch):
    monkeypatch.setattr(events, "BACKOFF_FIRST", 0.01)
    running = {"State": "running", "Labels": {ownership.RESOURCE_ID: "r"}}
    exited = {"State": "exited", "Labels": {ownership.RESOURCE_ID: "x"}}
    engine = FakeEngine([[], errors.EngineUnreachable("restarting"), []], [running, exited])
    got, _ = run(engine, count=4)
    # Resync at the first connection, then again after the engine came back.
    assert got == [("r", STARTED), ("x", STOPPED)] * 2
    assert engine.subscriptions == 3


def test_a_stopped_event_is_emitted_again_while_the_container_does_not_run(monkeypatch):
    monkeypatch.setattr(events, "RECHECK_DELAYS", (0.05, 0.1))
    engine = FakeEngine([[engine_event("die", "a", exitCode="137")]], [])
    got, _ = run(engine, running=lambda uuid: False, count=3)
    assert got == [("a", STOPPED)] * 3
