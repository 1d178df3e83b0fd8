"""magnum_lite talks to engines only through openstack_docker's Engine methods."""

import ast
import pathlib
from importlib import metadata

import magnum_lite
from magnum_lite import drivers
from magnum_lite.drivers.swarm_mode.driver import SwarmModeDriver

PACKAGE = pathlib.Path(magnum_lite.__file__).parent
FORBIDDEN = {"docker", "requests", "urllib3"}


def test_no_sdk_imports_and_no_engine_api():
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                names = []
            assert not {n.split(".")[0] for n in names} & FORBIDDEN, (path, names)
            assert not (isinstance(node, ast.Attribute) and node.attr == "api"), (
                f"{path}:{node.lineno} touches engine.api")


def test_swarm_mode_entry_point():
    names = {ep.name: ep.value for ep in metadata.entry_points(group=drivers.ENTRY_POINT_GROUP)}
    if "swarm-mode" not in names:  # running from a source tree that is not installed
        return
    assert names["swarm-mode"] == "magnum_lite.drivers.swarm_mode.driver:SwarmModeDriver"
    assert isinstance(drivers.load("swarm-mode"), SwarmModeDriver)
