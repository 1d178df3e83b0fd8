"""A delete that overtakes a create still pulling in the background leaves nothing.

The pull is made slow for real: the image comes from the testbed registry through a
loopback proxy that holds every connection until the test lets it through.
"""

import contextlib
import socket
import threading
import time

from heat.engine import scheduler

from heat_docker_plugin import background
from openstack_docker import errors
from tests.common import testbed
from tests.functional.heat_docker_plugin import base


class GatedProxy:
    """TCP proxy to ``upstream`` (host:port) that holds connections until released."""

    def __init__(self, upstream):
        host, port = upstream.rsplit(":", 1)
        self.upstream = (host, int(port))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connected, self.gate = threading.Event(), threading.Event()
        self.sockets = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        with contextlib.suppress(OSError):
            while True:
                client, _ = self.listener.accept()
                self.connected.set()
                threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        self.gate.wait(60)
        server = socket.create_connection(self.upstream)
        self.sockets += [client, server]
        for source, sink in ((client, server), (server, client)):
            threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    def close(self):
        self.gate.set()
        for sock in self.sockets:
            sock.close()


def gated_image(test):
    """(proxy, the sleeper image named through it): pulls of it wait for the proxy's
    gate. The tag is removed at cleanup."""
    proxy = GatedProxy(testbed.registry())
    test.addCleanup(proxy.close)
    image = base.image("sleeper").replace(testbed.registry(), f"127.0.0.1:{proxy.port}")

    def untag():
        with contextlib.suppress(errors.NotFound):
            test.engine.remove_image(image)

    test.addCleanup(untag)
    return proxy, image


def assert_no_late_container(test, image):
    """Once the pull is over, a worker left running would create the container: wait
    for the image, then a moment, and check nothing of the test is left."""

    def image_present():
        try:
            test.engine.inspect_image(image)
        except errors.NotFound:
            return False
        return True

    deadline = time.monotonic() + 30
    while not image_present() and time.monotonic() < deadline:
        time.sleep(0.2)
    test.assertTrue(image_present())
    time.sleep(2)
    test.assertEqual(([], [], []), test.heat_objects())


class TestDeleteDuringCreate(base.HeatDockerTestCase):

    def setUp(self):
        super().setUp()
        self.proxy, self.image = gated_image(self)

    def create_until_pulling(self):
        """A container resource whose create has the engine pulling (held by the
        proxy), then cancelled as Heat cancels a create a stack delete overtakes."""
        stk = self.stack({"heat_template_version": "2018-08-31", "resources": {"c": {
            "type": "DockerInc::Docker::Container",
            "properties": {"image": self.image, "image_pull_policy": "always",
                           "stop_timeout": 0}}}})
        stk.store()
        res = stk["c"]
        creating = scheduler.TaskRunner(res.create)
        creating.start()
        while not self.proxy.connected.wait(0.2):  # until the engine is pulling
            self.assertFalse(creating.step(), res.status_reason)
        creating.cancel()
        return res

    def delete(self, res):
        scheduler.TaskRunner(res.delete)()
        self.assertEqual((res.DELETE, res.COMPLETE), res.state, res.status_reason)

    def test_delete_while_the_pull_runs_leaves_no_container(self):
        res = self.create_until_pulling()
        threading.Timer(2, self.proxy.gate.set).start()
        self.delete(res)
        assert_no_late_container(self, self.image)

    def test_delete_from_another_process_leaves_no_container(self):
        """The delete runs where the create's worker is unknown (another heat-engine
        process: no job in its memory). It revokes the create claim on the engine and
        sweeps; the worker, once its pull is through, finds the claim gone and removes
        the container it made."""
        res = self.create_until_pulling()
        self.patchobject(background, "abandon", return_value=None)
        self.delete(res)
        self.proxy.gate.set()  # the pull goes on after the delete finished
        assert_no_late_container(self, self.image)
