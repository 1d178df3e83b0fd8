"""The all-in-one's start graph (tools/aio/plan.py): order, parallelism, failures."""

import pathlib
import sys
import threading

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tools"))
from aio.plan import Plan, Step  # tools/ is not a package


def test_a_step_runs_after_what_it_needs():
    done = []
    Plan([Step("db", lambda: done.append("db")),
          Step("api", lambda: done.append("api"), needs=("db",)),
          Step("worker", lambda: done.append("worker"), needs=("api", "db"))]).run()
    assert done == ["db", "api", "worker"]


def test_independent_steps_run_side_by_side():
    both = threading.Barrier(2, timeout=5)  # broken (an error) unless both wait at once
    Plan([Step("a", lambda: both.wait() and None), Step("b", lambda: both.wait() and None)]).run()


def test_a_failure_fails_what_needs_it_and_nothing_else(capsys):
    ran = []

    def broken():
        raise RuntimeError("keystone did not answer")

    with pytest.raises(RuntimeError, match="keystone did not answer"):
        Plan([Step("keystone", broken),
              Step("compute", lambda: ran.append("compute"), needs=("keystone",)),
              Step("heat", lambda: ran.append("heat"))]).run()
    assert ran == ["heat"]
    assert "heat" in capsys.readouterr().out


def test_the_report_names_the_step_and_what_it_did(capsys):
    Plan([Step("nova", lambda: "started nova-api")]).run()
    assert "nova: started nova-api" in capsys.readouterr().out


def test_a_need_listed_after_its_step_is_refused():
    with pytest.raises(ValueError, match="api needs \\['db'\\]"):
        Plan([Step("api", lambda: None, needs=("db",)), Step("db", lambda: None)])
