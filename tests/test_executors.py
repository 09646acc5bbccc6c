"""`msse_ablate --executor local --jobs 2`: the (variant, seed) runs of a toy sweep as submitit jobs in subprocesses, with the
sweep folder's rules unchanged: a failing run reported (exit status 1) while the other finishes, finished runs skipped on the
next call, and a sweep folder held by another process refused. The Slurm path is tested up to its sbatch script in
nbs/52_executors.ipynb (there is no cluster here).

The template is a trivial notebook (no training), so each run is one short kernel.
"""
import os, sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from toy_sweep import CLI, toy_template, run_ablate
pytestmark = pytest.mark.skipif(not CLI.exists(), reason='msse_ablate is not installed (uv pip install --no-deps -e .)')


@pytest.fixture
def grid(tmp_path):
    toy_template(tmp_path / 'toy.ipynb')
    path = tmp_path / 'grid.yaml'
    path.write_text(yaml.safe_dump({'name': 'toy', 'template': str(tmp_path / 'toy.ipynb'), 'output_dir': str(tmp_path / 'sweep'),
                                    'seeds': [0, 1], 'base': {'fail_seed': 1}, 'factors': {'scale': {1: {'scale': 1.0}, 2: {'scale': 2.0}}},
                                    'variants': {'a': {'scale': 1}, 'b': {'scale': 2}}}))
    return path


def test_local_executor_two_jobs(grid, tmp_path):
    r = run_ablate(grid, '--only', 'a', '--executor', 'local', '--jobs', '2', cwd=tmp_path)   # two runs: seed 0 ok, seed 1 fails
    assert r.returncode == 1, r.stdout + r.stderr
    assert 'submitted (local, 2 at a time)' in r.stdout and 'deliberate failure for seed 1' in r.stdout, r.stdout
    res = pd.read_csv(tmp_path / 'sweep' / 'results.csv'); res = res[res.variant == 'a']
    assert list(res.status) == ['ok', 'failed'] and list(res.score.dropna()) == [1.0]
    assert list((tmp_path / 'sweep' / '.submitit').glob('*_log.out'))          # submitit's own job logs, in the sweep folder
    assert not (tmp_path / 'sweep' / '.sweep.lock').exists()                      # the lock went with the driver
    again = run_ablate(grid, '--only', 'a', '--executor', 'local', '--jobs', '2', cwd=tmp_path)
    assert again.returncode == 1 and 'a seed 0: finished earlier, skipped' in again.stdout, again.stdout
    assert again.stdout.count('submitted (local') == 1                           # only the failed run goes again


def test_lock_and_bad_executor(grid, tmp_path):
    from msse_inpaint.ablation import sweep_lock
    (tmp_path / 'sweep').mkdir()
    with sweep_lock(tmp_path / 'sweep'):   # this process holds the sweep: a second runner is refused, whichever executor
        r = run_ablate(grid, '--executor', 'local', '--jobs', '2', cwd=tmp_path)
    assert r.returncode == 2 and any(s in r.stdout + r.stderr for s in ('is being run by', 'is in use by')), r.stdout + r.stderr
    assert not (tmp_path / 'sweep' / 'a').exists()
    r = run_ablate(grid, '--executor', 'ray', cwd=tmp_path)
    assert r.returncode == 2 and "--executor must be one of pool, local, slurm, got 'ray'" in r.stdout + r.stderr, r.stdout + r.stderr
    r = run_ablate(grid, '--executor', 'local', '--executor_opt', 'partition=gpu', cwd=tmp_path)
    assert r.returncode == 2 and '--executor_opt partition' in r.stdout + r.stderr, r.stdout + r.stderr
    r = run_ablate(grid, '--executor_opt', 'partition=gpu', cwd=tmp_path)              # options without a submitit executor
    assert r.returncode == 2 and 'add --executor local or --executor slurm' in r.stdout + r.stderr, r.stdout + r.stderr
