"""A short tour of the shared Docker layer on a real engine.

Starts a web server container and a client container linked to it, shows the client
reaching the server, an environment variable set through the spec, and a named volume
shared by both; then removes everything it made. Run it after ``tools/testbed up``.
"""

import argparse
import sys
import uuid

from openstack_docker import errors
from openstack_docker.endpoint import DEFAULT_URL, parse_endpoint
from openstack_docker.engine import Engine
from openstack_docker.spec import ContainerSpec


def _step(text):
    print(f"==> {text}", flush=True)


def run_demo(engine, images):
    """Run the tour; returns the client's output. Cleans up even when a step fails."""
    suffix = uuid.uuid4().hex[:8]
    volume = f"demo-shared-{suffix}"
    created = []
    try:
        _step(f"engine {engine.endpoint}, API {engine.negotiated_version}")
        engine.create_volume(volume, labels={"demo": "true"})
        _step(f"named volume {volume} created")
        server = engine.run(ContainerSpec(
            image=f"{images}/server:latest",
            env={"GREETING": "hello from the shared layer"},
            mounts=[f"{volume}:/shared"],
            command=["sh", "-c", 'echo "$GREETING" > /shared/greeting; '
                                 "exec httpd -f -p 8080 -h /www"],
            labels={"demo": "true"},
        ), name=f"demo-server-{suffix}")
        created.append(server)
        _step(f"server container {server[:12]} running httpd on 8080")
        client = engine.run(ContainerSpec(
            image=f"{images}/base:latest",
            links={f"demo-server-{suffix}": "web"},
            mounts=[f"{volume}:/shared:ro"],
            command=["sh", "-c", "sleep 1; echo \"volume says: $(cat /shared/greeting)\"; "
                                 "echo \"server says: $(wget -q -O- http://web:8080/)\""],
        ), name=f"demo-client-{suffix}")
        created.append(client)
        engine.wait(client, timeout=60)
        output = engine.logs(client)
        _step("client output:")
        print(output, end="", flush=True)
        return output
    finally:
        for container in reversed(created):
            engine.remove_container(container, timeout=1)
        engine.remove_volume(volume)
        _step("removed the containers and the volume")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", default=DEFAULT_URL, help="Docker engine endpoint")
    parser.add_argument("--images", default="127.0.0.1:5050/testbed",
                        help="where the testbed images are (tools/testbed up builds them)")
    args = parser.parse_args(argv)
    try:
        engine = Engine(parse_endpoint(args.endpoint), owner="demo")
        output = run_demo(engine, args.images)
    except errors.DockerLayerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0 if "testbed-server-ok" in output else 1


if __name__ == "__main__":
    sys.exit(main())
