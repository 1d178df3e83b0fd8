"""Entry for ``compute_driver = docker.DockerDriver`` in nova.conf.

Nova 34 imports compute drivers only as ``'nova.virt.' + compute_driver``; this module is
the one file the distribution installs inside Nova's package so that the one-line setting
reaches :class:`nova_docker.driver.DockerDriver`. It holds no code of its own.
"""

from nova_docker.driver import DockerDriver

__all__ = ["DockerDriver"]
