"""The committed etc/*.conf.sample files match what oslo-config-generator writes now."""

import configparser
import pathlib

import pytest
from oslo_config import generator

ROOT = pathlib.Path(__file__).resolve().parents[3]
GENERATOR_CONFIGS = sorted((ROOT / "etc" / "oslo-config-generator").glob("*.conf"))


@pytest.mark.parametrize("config", GENERATOR_CONFIGS, ids=lambda p: p.stem)
def test_sample_is_current(config, tmp_path):
    parser = configparser.ConfigParser()
    parser.read(config)
    committed = ROOT / parser["DEFAULT"]["output_file"]
    fresh = tmp_path / "sample.conf"
    generator.main(["--config-file", str(config), "--output-file", str(fresh)])
    assert committed.exists(), f"{committed} missing: run `tox -e genconfig`"
    assert fresh.read_text() == committed.read_text(), (
        f"{committed.name} is stale: run `tox -e genconfig` and commit the result")


def test_every_package_has_a_generator_config():
    assert {p.stem for p in GENERATOR_CONFIGS} == {
        "nova-docker", "heat-docker-plugin", "magnum-lite"}
