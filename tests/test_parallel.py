"""The sweep helper: order, validation, local processes and a Dask cluster on loopback."""

from __future__ import annotations

import pytest

from neuroplastic import bench
from neuroplastic.parallel import sweep


def _power(base, exp):
    return base**exp


TASKS = [{"base": b, "exp": 2} for b in range(7)]
EXPECTED = [b * b for b in range(7)]


@pytest.mark.parametrize("backend, n_jobs", [("sequential", 1), ("loky", 1), ("loky", 2)])
def test_sweep_keeps_task_order(backend, n_jobs):
    assert sweep(_power, TASKS, backend=backend, n_jobs=n_jobs, progress=False) == EXPECTED


def test_sweep_on_a_local_dask_cluster():
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster),
    ):
        assert sweep(_power, TASKS, backend="dask", progress=False) == EXPECTED


def _where(i):
    import os

    return os.getpid()


def test_the_scheduler_setting_sends_every_local_sweep_to_the_cluster(monkeypatch):
    import os

    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        monkeypatch.setenv("NEUROPLASTIC_SCHEDULER", cluster.scheduler_address)
        assert sweep(_power, TASKS, progress=False) == EXPECTED
        pids = set(sweep(_where, [{"i": i} for i in range(6)], progress=False))
        workers = {w.pid for w in cluster.workers.values()}
        assert pids <= workers and os.getpid() not in pids
        inline = sweep(_where, [{"i": 0}], backend="sequential", progress=False)
        assert inline == [os.getpid()]
        client = distributed.default_client()
        client.close()


@pytest.mark.slow
def test_a_chapter_on_a_cluster_gives_the_local_claims(tmp_path):
    """Chapter 1 at the quick profile, once locally and once on a loopback LocalCluster."""
    import json
    import subprocess
    import sys

    distributed = pytest.importorskip("distributed")
    claims = {}
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        runs = (("local", []), ("cluster", ["--scheduler", cluster.scheduler_address]))
        for where, extra in runs:
            build = tmp_path / where
            env = {
                **__import__("os").environ,
                "NEUROPLASTIC_BUILD": str(build),
                "NEUROPLASTIC_NO_CACHE": "1",
            }
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "neuroplastic.book.cli",
                    "run",
                    "ch01",
                    "--profile",
                    "quick",
                    "--no-progress",
                    *extra,
                ],
                check=True,
                env=env,
            )
            data = json.loads((build / "claims" / "ch01.json").read_text())
            claims[where] = [(c["id"], c["verdict"], c["evidence"]) for c in data["claims"]]
    assert claims["cluster"] == claims["local"]


def test_dask_backend_without_a_client_is_a_clear_error():
    with pytest.raises(ValueError, match="Client"):
        sweep(_power, TASKS, backend="dask", progress=False)


@pytest.mark.parametrize(
    "kwargs, err",
    [
        (dict(backend="threads"), ValueError),
        (dict(n_jobs=0), ValueError),
        (dict(n_jobs=1.5), ValueError),
        (dict(n_jobs=True), ValueError),
    ],
)
def test_sweep_validates_arguments(kwargs, err):
    with pytest.raises(err):
        sweep(_power, TASKS, progress=False, **kwargs)


def test_sweep_rejects_non_mapping_tasks_and_non_callables():
    with pytest.raises(TypeError, match=r"tasks\[0\]"):
        sweep(_power, [(1, 2)], progress=False)
    with pytest.raises(TypeError, match="callable"):
        sweep(42, TASKS, progress=False)


def test_bench_record_replaces_by_name(tmp_path):
    path = tmp_path / "b.json"
    bench.record("k", {"N": 4}, 1.0, 10.0, True, path=path)
    rec = bench.record("k", {"N": 4}, 2.0, 10.0, False, path=path)
    assert rec["ratio"] == 5.0
    import json

    assert len(json.loads(path.read_text())) == 1
    with pytest.raises(ValueError):
        bench.record("k", {}, 0.0, 1.0, True, path=path)


def test_bench_timers_and_table(tmp_path, monkeypatch):
    import time

    t = bench.median_time(lambda: time.sleep(0.01), repeat=3)
    assert 0.01 <= t < 1.0
    with pytest.raises(ValueError, match="repeat"):
        bench.median_time(lambda: None, repeat=0)
    assert 0.01 <= bench.best_time(lambda: time.sleep(0.01), repeat=2) < 1.0
    for bad in (0, True, 2.5):
        with pytest.raises((TypeError, ValueError), match="repeat"):
            bench.best_time(lambda: None, repeat=bad)
    monkeypatch.setenv("NEUROPLASTIC_BUILD", str(tmp_path))
    bench.record("mem", {"T": 8}, 1.0, 2.0, True, memory_ratio=10.0)
    bench.record("slow", {"N": 4}, 4.0, 2.0, False)
    from neuroplastic.book.benchmarks import benchmarks_figure, benchmarks_markdown

    table = benchmarks_markdown()
    assert "| `mem` | 2.00× | yes | T=8 | peak memory ref./ours 10 |" in table
    assert "| `slow` | 0.50× | no | N=4 |  |" in table
    assert "with 2 of" in table and "`assoc_recall_vs_torch`" in table  # reference run kept
    svg = benchmarks_figure().read_text()
    assert "2.0×" in svg and "0.5×" in svg
    assert svg.count("results differ") == 1
