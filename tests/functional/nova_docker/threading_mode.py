"""The driver in Nova 34's default concurrency mode: native threads, no eventlet patching
(the functional tests' process runs eventlet). Run as a program by test_threading_mode.py:
spawns with and without VIFs (the root-only work through a real privsep daemon), a
container killed from outside is a STOPPED event, concurrent deletes in native threads
all succeed and leave nothing behind. Prints "threading mode: OK"."""

import os
import shutil
import sys
import tempfile
import threading
import time
import uuid

from tests.common.nova_driver import SavedImageGlance, make_driver, make_instance

# isort: split
from nova.network import model as network_model

from nova import objects
from nova.virt import event as virtevent
from nova_docker import network


def tap_vif(number):
    port = f"cccccccc-3333-4000-8000-{number:012d}"
    return network_model.VIF(id=port, address=f"fa:16:3e:00:33:{number:02x}", type="tap",
                             devname=f"tap{port[-11:]}",
                             network=network_model.Network(id="net", subnets=[]))


def wait_for(condition, what, timeout=10):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.05)


def check(driver, state_dir):
    assert "eventlet" not in sys.modules or \
        not sys.modules["eventlet"].patcher.is_monkey_patched("thread"), "eventlet patched"
    events = []
    driver.register_event_listener(events.append)
    driver._glance = SavedImageGlance(driver.engine, state_dir)
    meta = objects.ImageMeta.from_dict({"id": "bench-image"})
    spawned = []
    for number in range(1, 5):
        instance = make_instance(number)
        vifs = network_model.NetworkInfo([tap_vif(number)] if number % 2 else [])
        driver.spawn(None, instance, meta, [], None, {}, vifs)
        spawned.append((instance, vifs))
    victim = spawned[0][0].uuid
    driver.engine.kill(f"nova-{victim}")
    wait_for(lambda: any((e.get_instance_uuid(), e.get_transition()) ==
                         (victim, virtevent.EVENT_LIFECYCLE_STOPPED) for e in events),
             "STOPPED event of the killed container", 5)
    failures = []

    def destroy(instance, vifs):
        try:
            driver.destroy(None, instance, vifs)
        except Exception as exc:  # reported below
            failures.append(repr(exc))

    threads = [threading.Thread(target=destroy, args=pair) for pair in spawned]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    assert not driver.list_instance_uuids(), "containers left"
    assert not [vif for _, vifs in spawned for vif in vifs
                if os.path.exists(f"/sys/class/net/{vif['devname']}")], "devices left"


def main():
    state_dir = tempfile.mkdtemp(prefix="nv-threading-")
    network.CONF.set_override(
        "helper_command", os.path.join(sys.prefix, "bin", "privsep-helper"),
        group="nova_docker_privileged")
    driver = make_driver(f"nv-threading-{uuid.uuid4().hex[:8]}", state_dir)
    try:
        check(driver, state_dir)
    finally:
        for uuid_ in driver.list_instance_uuids():
            driver.engine.remove_container(f"nova-{uuid_}", timeout=0)
        driver.cleanup_host(None)
        shutil.rmtree(state_dir, ignore_errors=True)
    print("threading mode: OK")


if __name__ == "__main__":
    main()
