"""ServiceSpec: what a swarm service runs, as the Engine API wants it."""

from openstack_docker.api.swarm import ServiceSpec


def test_task_template_carries_the_container_and_its_limits():
    spec = ServiceSpec(image="sha256:" + "a" * 64, command=["/entry"], args=["run", "x"],
                       env={"A": "1"}, workdir="/srv", hostname="web",
                       networks=[("net1", ["web"])], nano_cpus=500_000_000,
                       memory_bytes=64 << 20, restart_condition="on-failure",
                       restart_max_attempts=3,
                       healthcheck={"test": ["CMD-SHELL", "true"], "interval": 10**9})
    template = spec.task_template({"owner": "magnum"})
    container = template["ContainerSpec"]
    assert container["Image"] == "sha256:" + "a" * 64
    assert (container["Command"], container["Args"]) == (["/entry"], ["run", "x"])
    assert container["Env"] == ["A=1"] and container["Dir"] == "/srv"
    assert container["Labels"] == {"owner": "magnum"}
    assert container["Healthcheck"]["Test"] == ["CMD-SHELL", "true"]
    assert template["Resources"]["Limits"] == {"NanoCPUs": 500_000_000,
                                               "MemoryBytes": 64 << 20}
    assert template["RestartPolicy"]["Condition"] == "on-failure"
    assert template["RestartPolicy"]["MaxAttempts"] == 3
    assert [(n["Target"], n["Aliases"]) for n in template["Networks"]] == [("net1", ["web"])]


def test_ports_are_published_on_the_node_running_the_task():
    spec = ServiceSpec(image="i", ports=[(8080, None, "tcp"), (53, 5353, "udp")])
    assert spec.port_configs() == [
        {"Protocol": "tcp", "TargetPort": 8080, "PublishMode": "host"},
        {"Protocol": "udp", "TargetPort": 53, "PublishMode": "host", "PublishedPort": 5353}]
