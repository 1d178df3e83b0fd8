"""The swarm-mode driver is found by its entry point name, as ``[conductor] driver`` says."""

from importlib import metadata

from oslo_config import cfg

from magnum_lite import conf as ml_conf
from magnum_lite import drivers
from magnum_lite.drivers.swarm_mode.driver import SwarmModeDriver


def test_swarm_mode_entry_point():
    names = {ep.name: ep.value for ep in metadata.entry_points(group=drivers.NAMESPACE)}
    if "swarm-mode" not in names:  # running from a source tree that is not installed
        return
    assert names["swarm-mode"] == "magnum_lite.drivers.swarm_mode.driver:SwarmModeDriver"
    conf = cfg.ConfigOpts()
    ml_conf.register_opts(conf)
    conf([], project="magnum-lite-test", default_config_files=[])
    conf.set_override("driver", "swarm-mode", group="conductor")  # fixtures plug a fake
    assert isinstance(drivers.load_driver(conf), SwarmModeDriver)


def test_an_override_stays_in_its_conf():
    first, second = cfg.ConfigOpts(), cfg.ConfigOpts()
    for conf in (first, second):
        ml_conf.register_opts(conf)
        conf([], project="magnum-lite-test", default_config_files=[])
    first.set_override("driver", "tests.common.magnum_fake:FakeDriver", "conductor")
    assert second.conductor.driver == "swarm-mode"
