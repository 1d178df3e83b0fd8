"""``glance-docker``: the bridge's console script.

Glance is reached through keystoneauth (``OS_*`` variables and ``--os-*`` options: password,
token, application credential...), or directly at ``--os-image-url`` for a cloud without
Keystone. Registry credentials come from ``--registry-username/--registry-password`` or from
``docker login``'s ``~/.docker/config.json``.
"""

import argparse
import json
import os
import signal
import sys

from keystoneauth1 import loading, noauth, token_endpoint
from oslo_config import cfg
from oslo_log import log as logging

from openstack_docker import errors as layer_errors
from openstack_docker.images.bridge import bridge as bridge_mod
from openstack_docker.images.bridge import errors, progress
from openstack_docker.images.bridge import glance as glance_api
from openstack_docker.images.bridge import registry as reg

PROG = "glance-docker"
_ENV = "GLANCE_DOCKER_"


def _env(name, default=None):
    return os.environ.get(name, default)


def _common_parser(argv):
    common = argparse.ArgumentParser(add_help=False)
    output = common.add_argument_group("output")
    output.add_argument("--json", action="store_true", help="machine-readable output")
    output.add_argument("--quiet", action="store_true", help="no progress bar")
    output.add_argument("--debug", action="store_true", help="log HTTP traffic")
    glance = common.add_argument_group("Glance")
    glance.add_argument("--os-image-url", default=_env("OS_IMAGE_URL"),
                        help="Glance endpoint, skipping the catalog (env OS_IMAGE_URL)")
    glance.add_argument("--os-interface", default=_env("OS_INTERFACE", "public"))
    glance.add_argument("--os-region-name", default=_env("OS_REGION_NAME"))
    default_auth = "password" if _env("OS_AUTH_URL") or any(
        a.startswith("--os-auth-url") for a in argv) else None
    if loading.register_auth_argparse_arguments(common, argv, default=default_auth) is None:
        glance.add_argument("--os-token", default=_env("OS_TOKEN"),
                            help="token sent to --os-image-url (env OS_TOKEN)")
    loading.register_session_argparse_arguments(common)
    registry = common.add_argument_group("registry")
    registry.add_argument("--registry-username", default=_env(_ENV + "REGISTRY_USERNAME"))
    registry.add_argument("--registry-password", default=_env(_ENV + "REGISTRY_PASSWORD"))
    registry.add_argument("--registry-cacert", default=_env(_ENV + "REGISTRY_CACERT"),
                          help="CA bundle verifying the registry's certificate")
    registry.add_argument("--registry-insecure", action="store_true",
                          help="do not verify the registry's TLS certificate")
    registry.add_argument("--registry-http", action="append", default=[], metavar="HOST",
                          help="allow plain HTTP to HOST (loopback always is)")
    registry.add_argument("--platform", default="linux/amd64",
                          help="platform picked from a manifest list (default linux/amd64)")
    return common


def build_parser(argv):
    common = _common_parser(argv)
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    imp = commands.add_parser("import", parents=[common],
                              help="copy REGISTRY/REPO:TAG into a Glance docker image")
    imp.add_argument("reference")
    imp.add_argument("--name", help="Glance image name (default: the reference)")
    imp.add_argument("--reference-only", action="store_true",
                     help="record the reference only; engines pull it from the registry")
    imp.add_argument("--property", action="append", default=[], metavar="KEY=VALUE",
                     help="extra Glance property")
    exp = commands.add_parser("export", parents=[common],
                              help="push a Glance docker image to REGISTRY/REPO:TAG")
    exp.add_argument("image", help="Glance image id or unique name")
    exp.add_argument("reference")
    commands.add_parser("list", parents=[common], help="Glance's docker images")
    syn = commands.add_parser("sync", parents=[common],
                              help="import every tag of REGISTRY/REPO that Glance lacks")
    syn.add_argument("repository")
    syn.add_argument("--reference-only", action="store_true")
    return parser


def _session(args):
    auth = loading.load_auth_from_argparse_arguments(args)
    if auth is None:
        if not args.os_image_url:
            raise errors.InvalidSpec(
                "Glance", "no credentials and no endpoint",
                "set OS_AUTH_URL and friends (keystone), or --os-image-url for a Glance "
                "without keystone")
        token = getattr(args, "os_token", None)
        auth = token_endpoint.Token(args.os_image_url, token) if token else noauth.NoAuth()
    return loading.load_session_from_argparse_arguments(args, auth=auth)


def make_bridge(args, out=sys.stderr):
    glance = glance_api.Glance(_session(args), endpoint_override=args.os_image_url,
                               interface=args.os_interface, region_name=args.os_region_name)
    verify = False if args.registry_insecure else (args.registry_cacert or True)
    credentials = (args.registry_username, args.registry_password or "") \
        if args.registry_username else None
    registries = {}

    def registry_for(host):
        if host not in registries:
            registries[host] = reg.Registry(
                host, credentials=credentials or reg.docker_config_credentials(host),
                verify=verify, plain_http=tuple(args.registry_http))
        return registries[host]

    platform = tuple(args.platform.split("/", 1))
    if len(platform) != 2:
        raise errors.InvalidSpec("--platform", f"{args.platform!r}", "write OS/ARCH")
    return bridge_mod.Bridge(glance, registry_for, platform=platform,
                             progress=progress.for_stream(out, quiet=args.json or args.quiet))


def _properties(pairs):
    found = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise errors.InvalidSpec("--property", f"{pair!r}", "write KEY=VALUE")
        found[key] = value
    return found


def _describe_import(result):
    if result.reused:
        return (f"{result.reference} ({result.manifest_digest}) is already Glance image "
                f"{result.id}: reused, nothing copied")
    kind = "reference-only image" if result.reference_only else \
        f"image ({result.size} bytes, md5 {result.checksum})"
    return f"{result.reference} -> Glance {kind} {result.id} in {result.seconds:.1f}s"


def run(args, bridge):
    """Run one command; returns ``(json_value, text)``."""
    if args.command == "import":
        result = bridge.import_image(args.reference, name=args.name,
                                     reference_only=args.reference_only,
                                     extra_properties=_properties(args.property))
        return result.as_dict(), _describe_import(result)
    if args.command == "export":
        pushed = bridge.export_image(args.image, args.reference)
        return pushed, (f"Glance image {pushed['id']} -> {pushed['reference']} "
                        f"({pushed['manifest_digest']})")
    if args.command == "sync":
        results = bridge.sync(args.repository, reference_only=args.reference_only)
        return [r.as_dict() for r in results], "\n".join(map(_describe_import, results))
    images = bridge.list_images()
    lines = [f"{i['id']}  {i['status']:<8} {i['size'] or 0:>12}  "
             f"{'ref ' if i['reference_only'] else 'copy'}  {i['reference'] or '-'}  "
             f"{i['manifest_digest'] or '-'}" for i in images]
    return images, "\n".join(lines)


def setup_logging(debug):
    """oslo.log as a command-line tool wants it: stderr only (stdout carries the result),
    warnings and errors unless ``--debug``, which shows every library's debug (HTTP traffic).
    No configuration file is read."""
    conf = cfg.ConfigOpts()
    logging.register_options(conf)
    conf([], project=PROG, default_config_files=[], default_config_dirs=[], use_env=False)
    conf.set_override("use_stderr", True)
    conf.set_override("debug", debug)
    conf.set_override("logging_default_format_string", f"{PROG}: %(levelname)s %(message)s")
    conf.set_override("logging_debug_format_suffix", "")
    if debug:
        conf.set_override("default_log_levels", [])
    logging.setup(conf, PROG)
    if not debug:
        logging.getLogger().logger.setLevel(logging.WARNING)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    setup_logging(args.debug)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        value, text = run(args, make_bridge(args))
    except layer_errors.DockerLayerError as exc:
        return _fail(args, str(exc), 1)
    except KeyboardInterrupt:
        return _fail(args, "interrupted; partial Glance images were removed", 130)
    print(json.dumps(value, indent=2) if args.json else text)
    return 0


def _fail(args, message, code):
    print(f"{PROG}: error: {message}", file=sys.stderr)
    if args.json:
        print(json.dumps({"error": message}))
    return code


if __name__ == "__main__":
    sys.exit(main())
