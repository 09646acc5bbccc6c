"""End-to-end tests of the `msse_eval` console script (what the 22_evaluation notebook cannot hold: the installed entry point)."""
import json, subprocess, sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

EXE = Path(sys.executable).parent / 'msse_eval'


def run(*args, cwd=None):
    if not EXE.exists(): pytest.skip(f'{EXE} not installed: run `uv pip install --python .venv/bin/python --no-deps -e .`')
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_help_lists_arguments():
    res = run('--help')
    assert res.returncode == 0, res.stderr
    for flag in ('--images', '--masks', '--hole_is', '--checkpoint', '--baselines', '--out'): assert flag in res.stdout


def test_builtin_images_generated_masks(tmp_path):
    out = tmp_path / 'eval'
    res = run('--max_images', '2', '--size', '64', '--masks', 'generator:mixed', '--per_bin', '2', '--baselines', 'telea,biharmonic',
              '--grid', '2', '--out', str(out))
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in out.iterdir()) == ['metrics_vs_bin.png', 'pairs.csv', 'per_bin.csv', 'per_image.csv',
                                                       'qualitative.png', 'run.json', 'table.md']
    per_image = pd.read_csv(out / 'per_image.csv')
    assert len(per_image) == 2 * 2 * 2 and set(per_image.method) == {'telea', 'biharmonic'}
    assert per_image.ssim_hole.between(-1, 1).all()
    assert json.loads((out / 'run.json').read_text())['settings']['masks'] == 'generator:mixed'
    assert '| telea |' in (out / 'table.md').read_text()


def test_folder_of_masks_and_polarity(tmp_path):
    images, masks = tmp_path / 'images', tmp_path / 'masks'
    images.mkdir(); masks.mkdir()
    rng = np.random.default_rng(0)
    for k in range(2):
        Image.fromarray((rng.random((48, 48, 3)) * 255).astype(np.uint8)).save(images / f'im{k}.png')
        known = np.full((48, 48), 255, np.uint8); known[10:22, 12:24] = 0          # black = hole, white = known
        Image.fromarray(known).save(masks / f'im{k}.png')
    out = tmp_path / 'eval'
    ok = run('--images', str(images), '--masks', str(masks), '--hole_is', 'black', '--size', '48', '--baselines', 'navier_stokes',
             '--grid', '0', '--out', str(out))
    assert ok.returncode == 0, ok.stderr
    pairs = pd.read_csv(out / 'pairs.csv')
    assert list(pairs.mask_path.map(lambda p: Path(p).name)) == ['im0.png', 'im1.png']       # paired by file stem
    assert np.allclose(pairs.hole_ratio, 12 * 12 / 48 ** 2, atol=1e-4)
    wrong = run('--images', str(images), '--masks', str(masks), '--hole_is', 'white', '--size', '48', '--out', str(out))
    assert wrong.returncode != 0 and "hole_is='black'" in wrong.stderr                      # an inverted mask is named


def test_bad_arguments_are_named(tmp_path):
    res = run('--baselines', 'sharpie', '--max_images', '1', '--out', str(tmp_path))
    assert res.returncode != 0 and 'sharpie' in res.stderr
