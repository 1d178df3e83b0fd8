"""``heat-docker-plugin-dir``: print the directory to add to heat.conf plugin_dirs."""

import os
import sys

PLUGIN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugin")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print("usage: heat-docker-plugin-dir\n\nPrints the directory to list in heat.conf "
              "[DEFAULT] plugin_dirs so heat-engine loads the DockerInc::Docker::* "
              "resources.")
        return 0
    print(PLUGIN_DIR)
    return 0


if __name__ == "__main__":
    sys.exit(main())
