"""Heat's convergence engine in one process, for functional tests.

Heat 27 runs stacks with ``convergence_engine = true``: the engine service stores the
graph and casts ``check_resource`` to worker services over RPC, and each worker loads one
resource from the database, creates/updates/checks/deletes it and casts to the next
nodes. Here the engine service (``heat.engine.service.EngineService``, its RPC methods:
create_stack, update_stack, stack_check, delete_stack, show_output) and the worker
(``heat.engine.worker.WorkerService.check_resource`` and so ``CheckResource``) are Heat's
own; only the transport is replaced: a cast to the worker is serialized as
oslo.messaging would send it (context through Heat's RequestContextSerializer, arguments
as JSON, so nothing passes by reference), queued, and the queue is drained in the test's
thread, one node at a time, as Heat's own convergence scenario tests do
(heat/tests/convergence/framework). Threads heat-engine would start run inline. What
this does not show: several workers running nodes of one stack at the same time.
"""

import collections

import oslo_messaging
from heat.common import messaging
from heat.engine import service, stack, worker
from heat.rpc import api as rpc_api
from heat.rpc import worker_client
from heat.tests import utils
from oslo_config import cfg
from oslo_serialization import jsonutils

HOST = "heat-docker-test"


class InlineThreads(service.ThreadGroupManager):
    """Runs what heat-engine would start in a thread at once, in the caller's thread:
    the traversal then only moves when the cast queue is drained."""

    def start(self, stack_id, func, *args, **kwargs):
        return func(*args, **kwargs)


class ConvergenceEngine:
    """One heat-engine (engine service + worker) whose worker casts are a local queue."""

    def __init__(self, test):
        cfg.CONF.set_override("convergence_engine", True)
        self.context = utils.dummy_context()
        self.casts = collections.deque()
        threads = InlineThreads()
        self.service = service.EngineService(HOST, "engine")
        self.service.engine_id = "engine-" + HOST
        self.service.thread_group_mgr = threads
        self.worker = worker.WorkerService(HOST, "engine_worker", self.service.engine_id,
                                           threads)
        self.service.worker_service = self.worker
        # Mocked on the class: every WorkerClient (the stack's, the worker's) casts here.
        test.patchobject(worker_client.WorkerClient, "check_resource",
                         side_effect=self._cast)

    def _cast(self, ctxt, *args, **kwargs):
        self.casts.append(jsonutils.dumps(
            [messaging.RequestContextSerializer.serialize_context(ctxt), args, kwargs]))

    def drain(self):
        """Deliver queued casts (and those they cause) until the traversal is done."""
        while self.casts:
            ctxt, args, kwargs = jsonutils.loads(self.casts.popleft())
            self.worker.check_resource(
                messaging.RequestContextSerializer.deserialize_context(ctxt), *args,
                **kwargs)

    def call(self, method, *args):
        """An engine-service RPC method, raising the Heat exception an RPC client gets
        (the service wraps expected errors for oslo.messaging)."""
        try:
            return getattr(self.service, method)(self.context, *args)
        except oslo_messaging.ExpectedException as wrapped:
            raise wrapped.exc_info[1] from None

    def run(self, method, *args):
        """An engine-service request, then its traversal; returns the answer."""
        answer = self.call(method, *args)
        self.drain()
        return answer

    def load(self, identity):
        return stack.Stack.load(self.context, stack_id=identity["stack_id"])

    def create(self, name, template, params=None, disable_rollback=True):
        """``openstack stack create``; returns the stack's identity once it settled."""
        return self.run("create_stack", name, template, params or {}, {},
                        {rpc_api.PARAM_DISABLE_ROLLBACK: disable_rollback})

    def update(self, identity, template, params=None, converge=False,
               disable_rollback=True):
        """``openstack stack update`` (``--converge``: observe the engine's reality)."""
        self.run("update_stack", identity, template, params or {}, {},
                 {rpc_api.PARAM_CONVERGE: converge,
                  rpc_api.PARAM_DISABLE_ROLLBACK: disable_rollback})

    def delete(self, identity):
        self.run("delete_stack", identity)

    def output(self, identity, key):
        return self.call("show_output", identity, key)[rpc_api.OUTPUT_VALUE]
