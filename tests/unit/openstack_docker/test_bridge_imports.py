"""What the bridge's modules import: its memory budget and its layering depend on it."""

import subprocess
import sys

import pytest

from openstack_docker.images.bridge import bridge, progress


def _loaded_after(module, prefixes):
    """The modules named ``prefix...`` a fresh interpreter holds after importing ``module``."""
    code = (f"import sys, {module}; print(sorted(m for m in sys.modules "
            f"if m.startswith({tuple(prefixes)!r})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def test_the_command_does_not_load_the_docker_sdk():
    """glance-docker never talks to an engine; the SDK alone would cost ~20 MB of its 64 MB."""
    assert _loaded_after("openstack_docker.images.bridge.cli", ("docker", "paramiko")) == "[]"


def test_bridge_errors_belong_to_the_layer_hierarchy():
    from openstack_docker import errors as layer
    from openstack_docker.images.bridge import errors

    assert issubclass(errors.BridgeError, layer.DockerLayerError)
    refused = errors.InvalidSpec("--platform", "'x'", "write OS/ARCH")
    assert isinstance(refused, layer.InvalidSpec) and isinstance(refused, ValueError)
    assert str(refused) == "--platform: 'x' (write OS/ARCH)"


@pytest.mark.parametrize("module", ["openstack_docker.images.bridge.progress",
                                    "openstack_docker.images.properties"])
def test_lower_layers_do_not_import_the_operations(module):
    assert _loaded_after(module, ("openstack_docker.images.bridge.bridge",)) == "[]"


def test_operations_report_to_silent_progress_by_default():
    assert isinstance(bridge.Bridge(None, None).progress, progress.NoProgress)
