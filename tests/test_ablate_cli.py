"""`msse_ablate` end to end as a user runs it: a YAML grid, one papermill run per cell, a failure reported with exit
status 1 while the other cells finish, finished cells skipped on the next call, bad input refused with status 2.

The template is a trivial notebook (no training), so the test takes seconds; the real template is exercised by
nbdev_test (nbs/experiments/experiment.ipynb) and by `make figures`.
"""
import json, os, sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
from toy_sweep import CLI, toy_template, run_ablate


@pytest.fixture
def grid(tmp_path):
    toy_template(tmp_path / 'toy.ipynb')
    path = tmp_path / 'grid.yaml'
    path.write_text(yaml.safe_dump({'name': 'toy', 'template': str(tmp_path / 'toy.ipynb'), 'output_dir': str(tmp_path / 'sweep'),
                                    'seeds': [0, 1], 'base': {'fail_seed': 1},
                                    'factors': {'scale': {1: {'scale': 1.0}, 2: {'scale': 2.0}}},
                                    'variants': {'a': {'scale': 1}, 'b': {'scale': 2}}}))
    return path


@pytest.mark.skipif(not CLI.exists(), reason='msse_ablate is not installed (uv pip install --no-deps -e .)')
def test_failure_reported_others_finish_then_skip(grid, tmp_path):
    elsewhere = tmp_path / 'cwd'; elsewhere.mkdir()
    r = run_ablate(grid, cwd=elsewhere)
    assert r.returncode == 1, r.stdout + r.stderr
    assert 'deliberate failure for seed 1' in r.stdout
    res = pd.read_csv(tmp_path / 'sweep' / 'results.csv')
    assert list(res.status) == ['ok', 'failed', 'ok', 'failed']
    assert list(res.score.dropna()) == [1.0, 2.0]
    assert (tmp_path / 'sweep' / 'a' / 'seed_1' / 'experiment.ipynb').exists()       # the failed run's notebook is kept
    assert json.loads((tmp_path / 'sweep' / 'a' / 'seed_1' / 'error.json').read_text())['status'] == 'failed'
    assert list(elsewhere.iterdir()) == []                                           # nothing written where it was started
    # again: the finished cells are skipped, only the failed ones run (and fail again)
    stamp = (tmp_path / 'sweep' / 'a' / 'seed_0' / 'metrics.json').stat().st_mtime_ns
    r = run_ablate(grid, cwd=elsewhere)
    assert r.returncode == 1 and r.stdout.count('skipped') == 2 and r.stdout.count('running') == 2, r.stdout
    assert (tmp_path / 'sweep' / 'a' / 'seed_0' / 'metrics.json').stat().st_mtime_ns == stamp


@pytest.mark.skipif(not CLI.exists(), reason='msse_ablate is not installed (uv pip install --no-deps -e .)')
def test_bad_input_is_refused_clearly(grid, tmp_path):
    r = run_ablate(tmp_path / 'missing.yaml', cwd=tmp_path)
    assert r.returncode == 2 and 'missing.yaml' in r.stderr and 'Traceback' not in r.stderr
    r = run_ablate(grid, '--set', 'epochs=3', cwd=tmp_path)
    assert r.returncode == 2 and 'epochs' in r.stderr and 'not declared' in r.stderr
    r = run_ablate(grid, '--only', 'c', cwd=tmp_path)
    assert r.returncode == 2 and "Unknown variant 'c'" in r.stderr


@pytest.mark.skipif(not CLI.exists(), reason='msse_ablate is not installed (uv pip install --no-deps -e .)')
@pytest.mark.parametrize('variants, says', [
    ({'a': {'scale': 1}, 'b': {'scale': 2}, 'b2': {'scale': 2}}, 'variants b and b2 are the same cell'),
    ({'a': {'scale': 1}, 'b': {'scale': 2, 'fail_seed': 0}}, 'fail_seed, which is not a factor'),
    ({'a': {'scale': 1}, 'b': {'scale': 3}}, "scale='3' is not a declared level")])
def test_design_errors_stop_before_anything_runs(grid, tmp_path, variants, says):
    spec = yaml.safe_load(grid.read_text())
    grid.write_text(yaml.safe_dump({**spec, 'variants': variants}))
    r = run_ablate(grid, cwd=tmp_path)
    assert r.returncode == 2 and says in r.stderr and str(grid) in r.stderr and 'Traceback' not in r.stderr, r.stderr
    assert not (tmp_path / 'sweep').exists()                                          # nothing ran, nothing was written


def test_committed_grids_are_valid():
    sys.path.insert(0, str(ROOT))
    from msse_inpaint.ablation import load_grid, check_template_parameters
    for name in ['ablation_debug.yaml', 'ablation_celebahq.yaml']:
        g = load_grid(ROOT / 'experiments' / name)
        check_template_parameters(g)
        assert len(g.seeds) >= 3, f'{name}: at least 3 seeds'
        d = g.design
        assert {f: d.levels(f) for f in ('structure', 'corner_loss')} == {'structure': ['off', 'on'], 'corner_loss': ['0', '0.3']}, name
        assert {v: (c['structure'], c['corner_loss']) for v, c in d.cells.items() if c.get('s_input', 'off') == 'off'} == {
            'baseline': ('off', '0'), 'msse': ('on', '0'), 'corner': ('off', '0.3'), ('full' if name == 'ablation_debug.yaml' else 'msse_corner'): ('on', '0.3')}, name
        # structure off removes the structure prior only: the attention's mask term stays on both levels
        assert [d.factors['structure'][l] for l in ('off', 'on')] == [
            {'structure_encoder': False, 'mask_bias': True}, {'structure_encoder': True, 'mask_bias': True}], name
    # the thesis's grid (issue 24): the screen's remedy s_input as a third factor, on only with the structure prior, 128 px,
    # scored at 256 px with the knock-out table of every run
    g = load_grid(ROOT / 'experiments' / 'ablation_celebahq.yaml')
    d = g.design
    remedy = {v: c['s_input'] for v, c in d.cells.items()}
    assert remedy == {'baseline': 'off', 'full': 'on', 'msse': 'off', 'corner': 'off', 'msse_corner': 'off', 'msse_input': 'on'}
    assert all(d.cells[v]['structure'] == 'on' for v, level in remedy.items() if level == 'on')
    assert d.factors['s_input']['on'] == {'structure_input': True, 'lambda_structure': 0.2}
    p = g.parameters('full', 0)
    assert (p['image_size'], p['eval_size'], p['knockout'], p['base_channels']) == (128, 256, True, 40), p
