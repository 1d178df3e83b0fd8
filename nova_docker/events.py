"""The engine's container events as Nova lifecycle events, the way libvirt's event thread
feeds the compute manager.

One :class:`EventWatcher` per driver (per engine) holds one subscription to the engine's
events, filtered to this compute host's containers, and hands each state change to
``emit`` (``ComputeDriver.emit_event``) as a ``virtevent.LifecycleEvent``. Two threads
(green threads under eventlet, native ones otherwise: ``threading`` is what Nova's
concurrency mode makes it), so the compute service never waits on them:

* the reader only reads the stream into a queue; when the stream ends (the engine died or
  restarted) it reconnects with a growing backoff and then resynchronises: it lists the
  containers and queues the state of each, since events were missed meanwhile;
* the dispatcher emits. A STOPPED event is checked again :data:`RECHECK_DELAYS` later and
  emitted again while the container still does not run: the compute manager skips an event
  that arrives while the instance has a task (a process that exits during its spawn), and
  a repeated event costs nothing once Nova's state matches.
"""

import queue
import threading
import time

from oslo_log import log as logging

from nova.virt import event as virtevent
from openstack_docker import errors
from openstack_docker import labels as ownership

LOG = logging.getLogger(__name__)

#: Engine event action -> Nova lifecycle transition.
TRANSITIONS = {
    "start": virtevent.EVENT_LIFECYCLE_STARTED,
    "die": virtevent.EVENT_LIFECYCLE_STOPPED,
    "pause": virtevent.EVENT_LIFECYCLE_PAUSED,
    "unpause": virtevent.EVENT_LIFECYCLE_RESUMED,
}
#: Seconds after a STOPPED event at which it is emitted again if the container still
#: does not run.
RECHECK_DELAYS = (1.0, 3.0)
#: Reconnection backoff: first and longest pause between attempts, in seconds.
BACKOFF_FIRST, BACKOFF_MAX = 0.2, 2.0


def transition_of_summary(summary):
    """The lifecycle transition matching a container summary's ``State``."""
    return {"running": virtevent.EVENT_LIFECYCLE_STARTED,
            "paused": virtevent.EVENT_LIFECYCLE_PAUSED}.get(
        summary.get("State"), virtevent.EVENT_LIFECYCLE_STOPPED)


class EventWatcher:
    """Feeds ``emit`` with the lifecycle events of the containers labelled ``labels``.

    ``running(uuid)`` tells whether an instance's container runs now (None: it is gone);
    ``on_exit(uuid, exit_code)`` is told of every container that stopped and returns
    whether that is news to Nova (False: the driver stopped it for Nova, no recheck).
    """

    def __init__(self, engine, labels, emit, running, on_exit):
        self.engine = engine
        self.labels = labels
        self._emit = emit
        self._running = running
        self._on_exit = on_exit
        self._queue = queue.Queue()
        self._rechecks = {}  # uuid -> [(due time, ...)]
        self._stream = None
        self._stopped = threading.Event()
        self._threads = []
        self.connected = threading.Event()

    def start(self):
        for target, name in ((self._read, "reader"), (self._dispatch, "dispatcher")):
            thread = threading.Thread(target=target, name=f"docker-events-{name}",
                                      daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self):
        self._stopped.set()
        self._queue.put(None)
        stream = self._stream
        if stream is not None:
            stream.close()
        for thread in self._threads:
            thread.join(5)

    # -- the reader ----------------------------------------------------------------

    def _read(self):
        backoff = BACKOFF_FIRST
        while not self._stopped.is_set():
            try:
                self._stream = self.engine.container_events(self.labels)
                self._resync()
                self.connected.set()
                backoff = BACKOFF_FIRST
                for event in self._stream:
                    self._queue_event(event)
            except errors.DockerLayerError as exc:
                if not self._stopped.is_set():
                    LOG.debug("Docker events of %s: %s", self.engine.endpoint, exc)
            finally:
                if self._stream is not None:
                    self._stream.close()
                    self._stream = None
            if self._stopped.is_set():
                return
            if self.connected.is_set():
                LOG.warning("Lost the events stream of Docker engine %s; reconnecting",
                            self.engine.endpoint)
                self.connected.clear()
            self._stopped.wait(backoff)
            backoff = min(BACKOFF_MAX, backoff * 2)

    def _resync(self):
        """Queue the present state of every container: events were missed meanwhile."""
        filters = {"label": [f"{key}={value}" for key, value in self.labels.items()]}
        for summary in self.engine.list_containers(all=True, filters=filters):
            uuid = (summary.get("Labels") or {}).get(ownership.RESOURCE_ID)
            if uuid:
                self._queue.put((uuid, transition_of_summary(summary), None))

    def _queue_event(self, event):
        transition = TRANSITIONS.get(event.get("Action") or event.get("status"))
        attributes = (event.get("Actor") or {}).get("Attributes") or {}
        uuid = attributes.get(ownership.RESOURCE_ID)
        if transition is not None and uuid:
            exit_code = attributes.get("exitCode")
            self._queue.put((uuid, transition, exit_code))

    # -- the dispatcher -----------------------------------------------------------------

    def _dispatch(self):
        while not self._stopped.is_set():
            try:
                item = self._queue.get(timeout=self._until_next_recheck())
            except queue.Empty:
                item = False
            if item is None:
                return
            try:
                if item:
                    self._handle(*item)
                self._run_due_rechecks()
            except Exception:  # the dispatcher must outlive any one event
                LOG.exception("Could not handle Docker event %s", item)

    def _handle(self, uuid, transition, exit_code):
        if transition == virtevent.EVENT_LIFECYCLE_STOPPED:
            if exit_code is None or self._on_exit(uuid, exit_code):
                now = time.monotonic()
                self._rechecks[uuid] = [now + delay for delay in RECHECK_DELAYS]
        else:
            self._rechecks.pop(uuid, None)
        self._emit(virtevent.LifecycleEvent(uuid, transition))

    def _until_next_recheck(self):
        dues = [due[0] for due in self._rechecks.values() if due]
        return max(0.0, min(dues) - time.monotonic()) if dues else None

    def _run_due_rechecks(self):
        now = time.monotonic()
        for uuid, dues in list(self._rechecks.items()):
            if not dues or dues[0] > now:
                continue
            dues.pop(0)
            if not dues:
                del self._rechecks[uuid]
            if self._running(uuid) is False:
                self._emit(virtevent.LifecycleEvent(uuid, virtevent.EVENT_LIFECYCLE_STOPPED))
            else:
                self._rechecks.pop(uuid, None)
