"""Only openstack_docker talks to the engine: the packages on top import neither the
docker SDK nor its HTTP stack, and nothing reaches an Engine's SDK client as ``.api``.

So every engine call goes through Engine, which checks ownership and translates errors
once. Tests and benchmarks may not import the SDK either; tests/common/sdk.py is the one
door for the layer's own tests of SDK translation (tests/common/engine_calls.py gives the
SDK client, for counting calls).
"""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
PACKAGES = ["nova_docker", "heat_docker_plugin", "magnum_lite", "nova/virt/docker"]
PACKAGE_BANNED = {"docker", "requests", "urllib3"}
# Tests talk to Glance and the registry over HTTP (requests); never to the engine's SDK.
TEST_DIRS = ["tests", "benchmarks"]
TEST_BANNED = {"docker", "urllib3"}
TEST_SDK_DOOR = ROOT / "tests" / "common" / "sdk.py"


def _python_files(directories):
    for directory in directories:
        yield from sorted((ROOT / directory).rglob("*.py"))


def _imported_roots(node):
    if isinstance(node, ast.Import):
        return [alias.name.split(".")[0] for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module.split(".")[0]]
    return []


def _names_an_engine(node):
    """``engine``, ``self.engine``, ``engine()``, ``self.heat_engine``..."""
    if isinstance(node, ast.Call):
        node = node.func
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    return "engine" in name.lower()


def violations(source, where, banned):
    found = []
    for node in ast.walk(ast.parse(source, where)):
        found += [f"{where}:{node.lineno}: imports {root}"
                  for root in _imported_roots(node) if root in banned]
        if isinstance(node, ast.Attribute) and node.attr == "api" and \
                _names_an_engine(node.value):
            found.append(f"{where}:{node.lineno}: reaches an engine's SDK client (.api)")
    return found


def _file_violations(paths, banned):
    return [v for path in paths
            for v in violations(path.read_text(), str(path.relative_to(ROOT)), banned)]


def test_packages_reach_the_engine_only_through_the_layer():
    files = list(_python_files(PACKAGES))
    assert files
    assert _file_violations(files, PACKAGE_BANNED) == []


def test_tests_and_benchmarks_reach_the_engine_only_through_the_layer():
    files = [path for path in _python_files(TEST_DIRS) if path != TEST_SDK_DOOR]
    assert files
    assert _file_violations(files, TEST_BANNED) == []


@pytest.mark.parametrize("source, expected", [
    ("import os, docker.errors", 1), ("from docker import types", 1),
    ("import requests", 1), ("from urllib3.exceptions import ReadTimeoutError", 1),
    ("self.engine_for(c).api.kill(c)", 1), ("engine().api.start(c)", 1),
    ("Engine(endpoint).api.stop(c)", 1), ("from dockerfile import parse", 0),
    ("from openstack_docker import engine", 0), ("self.api.get_server(x)", 0),
    ("engine.negotiated_version", 0),
])
def test_the_check_catches_what_it_should(source, expected):
    assert len(violations(source, "probe.py", PACKAGE_BANNED)) == expected
