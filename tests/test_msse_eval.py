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
    assert wrong.returncode != 0 and '--hole_is black' in wrong.stderr                       # an inverted mask is named, with the option that reads it


def test_bad_arguments_are_named(tmp_path):
    res = run('--baselines', 'sharpie', '--max_images', '1', '--out', str(tmp_path))
    assert res.returncode != 0 and 'sharpie' in res.stderr


@pytest.mark.parametrize('args, expected', [
    (['--baselines', 'sharpie'], "--baselines must be a comma-separated list of telea, navier_stokes, biharmonic, none, got 'sharpie'"),
    (['--threads', '0'], '--threads must be a positive integer'),
    (['--images', '/no/such/folder'], '--images /no/such/folder: no such folder or image file'),
])
def test_user_errors_are_one_line_with_status_2(tmp_path, args, expected):
    res = run(*args, '--max_images', '1', '--out', str(tmp_path / 'out'))
    assert res.returncode == 2 and f'msse_eval: error: ' in res.stderr and expected in res.stderr, res.stderr
    assert 'Traceback' not in res.stderr
    assert not (tmp_path / 'out').exists()


def test_corrupt_image_skipped_others_kept_and_rerun_refused(tmp_path):
    images = tmp_path / 'images'; images.mkdir()
    rng = np.random.default_rng(0)
    for k in range(3): Image.fromarray((rng.random((48, 48, 3)) * 255).astype(np.uint8)).save(images / f'im{k}.png')
    out = tmp_path / 'eval'
    first = run('--images', str(images), '--masks', 'generator:mixed', '--size', '48', '--baselines', 'telea', '--grid', '0', '--out', str(out))
    assert first.returncode == 0, first.stderr
    (images / 'im1.png').write_bytes(b'truncated')                                          # one image goes bad
    again = run('--pairs', str(out / 'pairs.csv'), '--size', '48', '--baselines', 'telea', '--grid', '0', '--out', str(out))
    assert again.returncode == 2 and 'already holds the outputs' in again.stderr and '--overwrite' in again.stderr, again.stderr
    assert len(pd.read_csv(out / 'per_image.csv')) == 3                                      # refused: the earlier run is intact
    pairs = tmp_path / 'pairs.csv'; pairs.write_bytes((out / 'pairs.csv').read_bytes())
    res = run('--pairs', str(pairs), '--size', '48', '--baselines', 'telea', '--grid', '0', '--out', str(out), '--overwrite')
    assert res.returncode == 0 and 'skipped 1 unreadable pair' in res.stderr and 'im1.png' in res.stderr, res.stderr
    assert list(pd.read_csv(out / 'per_image.csv').pair) == [0, 2]                           # the pairs that could be scored are kept
    assert list(pd.read_csv(out / 'skipped.csv').pair) == [1]
    assert json.loads((out / 'run.json').read_text())['n_skipped'] == 1
