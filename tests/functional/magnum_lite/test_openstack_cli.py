"""``openstack coe`` (python-openstackclient + python-magnumclient 5.0.0) end to end."""

from tests.functional.magnum_lite.conftest import wait_status


def test_template_and_cluster_lifecycle(osc, unique, tmp_path):
    tpl, name = unique("tpl"), unique("c")
    created = osc.json("cluster", "template", "create", tpl, "--coe", "swarm-mode",
                       "--image", "img", "--external-network", "public", "--label", "a=b")
    assert created["coe"] == "swarm-mode" and created["labels"] == {"a": "b"}
    assert tpl in [t["name"] for t in osc.json("cluster", "template", "list")]
    shown = osc.json("cluster", "template", "show", tpl)
    assert shown["uuid"] == created["uuid"]
    updated = osc.json("cluster", "template", "update", tpl, "--docker-volume-size", "5",
                       "--label", "k=v", "--tls-disabled")
    assert (updated["docker_volume_size"], updated["labels"]["k"],
            updated["tls_disabled"]) == (5, "v", True)

    out = osc("cluster", "create", name, "--cluster-template", tpl, "--node-count", "2")
    assert "Request to create cluster" in out.stdout and "accepted" in out.stdout

    def status():
        return osc.json("cluster", "show", name)["status"]
    assert wait_status(status) == "CREATE_COMPLETE"
    cluster = osc.json("cluster", "show", name)
    assert cluster["api_address"].startswith("tcp://")
    assert len(cluster["node_addresses"]) == 2 and cluster["health_status"] == "HEALTHY"
    listed = {c["name"]: c for c in osc.json("cluster", "list")}
    assert listed[name]["status"] == "CREATE_COMPLETE"

    config = osc("cluster", "config", name, "--dir", str(tmp_path))
    assert "export DOCKER_HOST=tcp://" in config.stdout

    refused = osc("cluster", "template", "delete", tpl)  # errors print, exit 0
    assert "referenced by one or multiple clusters" in refused.stdout + refused.stderr

    out = osc("cluster", "update", name, "replace", "node_count=3", check=False)
    if out.returncode != 0:  # 5.0.0 syntax
        out = osc("cluster", "update", name, "--node-count", "3")
    assert "accepted" in out.stdout
    assert wait_status(status) == "UPDATE_COMPLETE"
    assert osc.json("cluster", "show", name)["node_count"] == 3

    node = sorted(osc.json("cluster", "show", name)["node_addresses"])[0]
    host = f"host-{int(node.rsplit('.', 1)[1]) - 10}"
    osc("cluster", "resize", name, "1", "--nodes-to-remove", host)
    assert wait_status(status) == "UPDATE_COMPLETE"
    after = osc.json("cluster", "show", name)
    assert after["node_count"] == 1 and node not in after["node_addresses"]

    osc("cluster", "delete", name)
    from tests.common import helpers
    helpers.wait_for(lambda: name not in [c["name"] for c in osc.json("cluster", "list")],
                     what="cluster deleted")
    osc("cluster", "template", "delete", tpl)
    assert tpl not in [t["name"] for t in osc.json("cluster", "template", "list")]


def test_tls_cluster_config_and_ca(osc, unique, tmp_path):
    tpl, name = unique("tls"), unique("c")
    osc("cluster", "template", "create", tpl, "--coe", "swarm-mode", "--image", "img",
        "--external-network", "public")
    osc("cluster", "create", name, "--cluster-template", tpl, "--node-count", "0")
    assert wait_status(lambda: osc.json("cluster", "show", name)["status"]) == (
        "CREATE_COMPLETE")
    assert "FAKECA" in osc("ca", "show", name).stdout
    out = osc("cluster", "config", name, "--dir", str(tmp_path), "--output-certs")
    assert "export DOCKER_TLS_VERIFY=True" in out.stdout
    assert {"ca.pem", "cert.pem", "key.pem"} <= {p.name for p in tmp_path.iterdir()}
    assert "SIGNED" in (tmp_path / "cert.pem").read_text()
    osc("cluster", "delete", name)


def test_bad_coe_prints_magnum_message(osc, unique):
    out = osc("cluster", "template", "create", unique("bad"), "--coe", "kubernetes",
              "--image", "img", "--external-network", "public", check=False)
    assert out.returncode != 0
    assert "Invalid input for field/attribute coe" in out.stderr


def test_service_stats_quotas(osc, unique):
    services = osc.json("service", "list")
    assert services and services[0]["binary"] == "magnum-conductor"
    assert services[0]["state"] == "up"
    assert "clusters" in osc("stats", "list", "default").stdout
    project = unique("proj")
    osc("quotas", "create", "--project-id", project, "--resource", "Cluster",
        "--hard-limit", "3")
    assert "3" in osc("quotas", "show", "--project-id", project, "--resource",
                      "Cluster").stdout
    osc("quotas", "update", "--project-id", project, "--resource", "Cluster",
        "--hard-limit", "4")
    assert project in osc("quotas", "list", "--all-tenants").stdout
    osc("quotas", "delete", "--project-id", project, "--resource", "Cluster")


def test_missing_cluster_message(osc):
    out = osc("cluster", "show", "nope", check=False)
    assert out.returncode == 1
    assert "Cluster nope could not be found (HTTP 404)" in out.stderr
    assert "Request-ID: req-" in out.stderr
