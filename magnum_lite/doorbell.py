"""A doorbell from the API to an idle conductor on the same host: after a request queued an
operation, the API sends one datagram to ``[conductor] wakeup_socket``; the conductor waiting
there claims at once instead of at its next poll. Best effort both ways: a conductor on
another host, or a second one on this host, still finds the work every
``[conductor] poll_interval``."""

import contextlib
import logging
import os
import select
import socket

LOG = logging.getLogger(__name__)


def ring(conf):
    """Wake the conductor listening on this host, if any (never fails)."""
    target = conf.conductor.wakeup_socket
    if not target:
        return
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        with contextlib.suppress(OSError):  # nobody listens, or its queue is full
            sock.sendto(b"1", target)


class Listener:
    """The conductor's end; ``wait(timeout)`` returns early when rung (or on ``stop``)."""

    def __init__(self, conf, stop_event):
        self.conf, self.stop_event, self.sock = conf, stop_event, None
        target = conf.conductor.wakeup_socket
        if target:
            try:
                self.sock = self._bind(target)
            except OSError as exc:
                LOG.warning("wakeup_socket %s not usable (%s): polling every %s s only",
                            target, exc, conf.conductor.poll_interval)

    @staticmethod
    def _bind(target):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            try:
                sock.bind(target)
            except OSError:
                # A socket file left by a conductor that died is taken over; one that a
                # live conductor listens on is not.
                probe = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                with probe:
                    try:
                        probe.connect(target)
                    except ConnectionRefusedError:
                        os.unlink(target)
                    else:
                        raise
                sock.bind(target)
            sock.setblocking(False)
            return sock
        except BaseException:
            sock.close()
            raise

    def wait(self, timeout):
        if self.sock is None:
            self.stop_event.wait(timeout)
            return
        readable, _, _ = select.select([self.sock], [], [], timeout)
        while readable:
            try:
                self.sock.recv(64)
            except BlockingIOError:
                break

    def close(self):
        if self.sock is not None:
            path = self.sock.getsockname()
            self.sock.close()
            self.sock = None
            with contextlib.suppress(OSError):
                os.unlink(path)
