"""Bad input at scale: generated property maps (valid, borderline, hostile) through Heat's
validation of the three resource types. Validation may only answer with Heat's
StackValidationFailed, and the answer must name a property. No engine is contacted (the
endpoint is a socket where none listens), so thousands of cases take seconds."""

from heat.common import exception
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heat_docker_plugin.resources.container import DockerContainer
from heat_docker_plugin.resources.network import DockerNetwork
from heat_docker_plugin.resources.volume import DockerVolume
from tests.functional.heat_docker_plugin import base
from tests.functional.heat_docker_plugin.test_validation import ALLOWED_TCP, NOWHERE

HUGE = "x" * 100_000

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-2, 70000),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["", " ", "/", "..", "0.0.0.0:80", "80/udp", "a=b", "NOEQ", "1m30s",
                     "\u202e\u0000evil", "ユニコード", "-1", "127.0.0.1", "/dev/null",
                     "tcp://127.0.0.1:2376", HUGE, "/srv/../etc", "ALL", "on-failure"]))
#: Any shape: scalars, lists and maps nested a few levels.
ANY = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) |
                   st.dictionaries(st.one_of(st.text(max_size=6), st.sampled_from(
                       ["bind", "ro", "Name", "HostPort", "HostIp", "test", "network",
                        "volume", "target", "path_on_host", "80/tcp"])), inner,
                       max_size=3), max_leaves=5)
#: Plausible values of some properties, so that cases get past Heat's type checks and
#: into the plugin's own checks.
PLAUSIBLE = {
    "port_specs": st.lists(st.one_of(st.integers(-1, 70000), st.sampled_from(
        ["80", "53/udp", "8080:80", "0.0.0.0:81:81", "x/sctp"])), max_size=3),
    "port_bindings": st.dictionaries(st.one_of(st.integers(-1, 70000), st.text(max_size=6)),
                                     st.one_of(SCALARS, st.fixed_dictionaries(
                                         {"HostPort": SCALARS, "HostIp": SCALARS})),
                                     max_size=2),
    "env": st.lists(st.one_of(SCALARS, st.text(max_size=8).map(lambda t: f"{t}=v")),
                    max_size=3),
    "volumes": st.dictionaries(st.sampled_from(["/data", "rel", "/srv/x", "/"]),
                               st.one_of(SCALARS, st.fixed_dictionaries(
                                   {"bind": SCALARS, "ro": SCALARS})), max_size=2),
    "memory": st.integers(-2**40, 2**40), "cpu_quota": st.integers(-10, 10**7),
    "cpu_shares": st.integers(-10, 300000), "pids_limit": st.integers(-5, 10**6),
    "restart_policy": st.fixed_dictionaries({"Name": SCALARS,
                                             "MaximumRetryCount": SCALARS}),
    "healthcheck": st.fixed_dictionaries({"test": ANY, "interval": SCALARS}),
    "tls_verify": st.booleans(), "docker_endpoint": SCALARS,
    "subnet": SCALARS, "gateway": SCALARS, "driver": SCALARS, "driver_opts": ANY,
}
TYPES = {"DockerInc::Docker::Container": DockerContainer,
         "DockerInc::Docker::Network": DockerNetwork,
         "DockerInc::Docker::Volume": DockerVolume}


@st.composite
def property_maps(draw, cls):
    """Up to six of ``cls``'s properties, each a plausible value or any shape; a
    container always has an image unless the image itself is drawn."""
    names = draw(st.lists(st.sampled_from(sorted(cls.properties_schema)), max_size=6,
                          unique=True))
    props = {name: draw(st.one_of(PLAUSIBLE[name], ANY) if name in PLAUSIBLE else ANY)
             for name in names}
    if cls is DockerContainer:
        props.setdefault("image", "127.0.0.1:5050/t/sleeper:1")
    return props


def fuzz(cases):
    """Hypothesis settings: ``cases`` examples, no deadline (a loaded CI machine), no
    example database in the tree."""
    return settings(max_examples=cases, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


class TestValidationFuzz(base.HeatStackTestCase):

    def setUp(self):
        super().setUp()
        self.policy(endpoint=NOWHERE, allowed_endpoints=[ALLOWED_TCP])
        self.stacks_by_type = {}
        self.cases = 0

    def validate(self, type_name, props):
        """Validate one resource with these properties as heat-engine would."""
        if type_name not in self.stacks_by_type:
            stk = self.stack({"heat_template_version": "2018-08-31",
                              "resources": {"r": {"type": type_name, "properties": {}}}},
                             name=f"{self.prefix}-{len(self.stacks_by_type)}")
            # Resources built here are never stored: skip the per-resource DB lookup.
            self.patchobject(stk, "db_resource_get", return_value=None)
            self.stacks_by_type[type_name] = (stk, stk.t.resource_definitions(stk)["r"])
        stk, empty = self.stacks_by_type[type_name]
        definition = empty.freeze(properties=props)
        resource = TYPES[type_name]("r", definition, stk)
        self.cases += 1
        try:
            resource.validate()
        except exception.StackValidationFailed as error:
            text = str(error)
            self.assertTrue(any(f"properties.{name}" in text or f"Property {name}" in text
                                or f"Property error: {name}" in text
                                for name in [*props, "image"]),
                            f"{text[:300]!r} names no property of {sorted(props)}")

    # 500 container + 250 network + 250 volume cases: 1,000 a run.
    @fuzz(500)
    @given(props=property_maps(DockerContainer))
    def test_container(self, props):
        self.validate("DockerInc::Docker::Container", props)

    @fuzz(250)
    @given(props=property_maps(DockerNetwork))
    def test_network(self, props):
        self.validate("DockerInc::Docker::Network", props)

    @fuzz(250)
    @given(props=property_maps(DockerVolume))
    def test_volume(self, props):
        self.validate("DockerInc::Docker::Volume", props)
