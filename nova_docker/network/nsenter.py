"""Work inside a container's network namespace without leaving ours.

``setns`` switches only the calling thread, so the few calls that must happen inside
(creating a netlink socket, writing a ``/proc/sys/net`` file) run between a switch in
and a switch straight back, with nothing in between that could yield to another green
or native thread. A netlink socket stays bound to the namespace it was created in, so
everything else goes through that socket from here.

pyroute2's own ``netns=`` support forks a helper and waits with ``select.poll``, which
eventlet (Nova's default concurrency mode) removes; this way works in both modes.
"""

import contextlib
import ctypes
import fcntl
import os
import socket
import struct

from pyroute2 import IPRoute

CLONE_NEWNET = 0x40000000
NETLINK_ROUTE = 0
SIOCETHTOOL = 0x8946
ETHTOOL_STXCSUM = 0x17
_libc = ctypes.CDLL(None, use_errno=True)


def iproute(netns_path):
    """An ``IPRoute`` speaking to the network namespace at ``netns_path``."""
    sock = _inside(netns_path, lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM,
                                                     NETLINK_ROUTE))
    return IPRoute(fileno=sock.detach())


def write_sysctl(netns_path, key, value):
    """Set ``key`` (``net/ipv6/conf/eth0/disable_ipv6``) to ``value`` in that namespace."""
    def write():
        with open("/proc/sys/" + key, "w") as handle:
            handle.write(str(value))
    _inside(netns_path, write)


def disable_tx_checksum(netns_path, ifname):
    """``ethtool -K IFNAME tx off`` in that namespace (the ETHTOOL_STXCSUM ioctl)."""
    sock = _inside(netns_path, lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    with sock:
        value = ctypes.create_string_buffer(struct.pack("II", ETHTOOL_STXCSUM, 0))
        request = struct.pack("16sP", ifname.encode(), ctypes.addressof(value))
        fcntl.ioctl(sock.fileno(), SIOCETHTOOL, request.ljust(40, b"\0"))


def _inside(netns_path, func):
    with inside(netns_path):
        return func()


@contextlib.contextmanager
def inside(netns_path):
    """The calling thread in the namespace at ``netns_path``, back in its own after."""
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    try:
        target = os.open(netns_path, os.O_RDONLY)
        try:
            _setns(target)
            try:
                yield
            finally:
                _setns(own)
        finally:
            os.close(target)
    finally:
        os.close(own)


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"setns: {os.strerror(code)}")
