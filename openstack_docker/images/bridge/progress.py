"""A byte progress bar (size, rate, ETA) for terminals; silence everywhere else."""


class NoProgress:
    """Progress sink that shows nothing (scripts, pipes, tests)."""

    def start(self, label, total):
        pass

    def advance(self, count):
        pass

    def finish(self):
        pass


class RichProgress:
    """One rich bar per transfer, drawn on stderr so stdout stays parseable."""

    def __init__(self):
        # Imported here: rich costs memory and start-up time a non-terminal run never needs.
        from rich import progress
        from rich.console import Console

        self._bar = progress.Progress(
            progress.TextColumn("{task.description}"), progress.BarColumn(),
            progress.DownloadColumn(), progress.TransferSpeedColumn(),
            progress.TimeRemainingColumn(), console=Console(stderr=True), transient=True)
        self._task = None

    def start(self, label, total):
        self._bar.start()
        self._task = self._bar.add_task(label, total=total or None)

    def advance(self, count):
        self._bar.advance(self._task, count)

    def finish(self):
        self._bar.remove_task(self._task)
        self._bar.stop()


def for_stream(stream, quiet=False):
    """A bar when ``stream`` is a terminal and output is not for a script."""
    if quiet or not stream.isatty():
        return NoProgress()
    return RichProgress()
