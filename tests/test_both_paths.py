"""Comparisons between two ways of running a model, checked on both precision paths, whichever CPU runs the tests.

`make test` runs every chapter on the path the CPU at hand selects: bf16 autocast where the CPU computes bf16 natively
(AVX512-BF16 or AMX), float32 elsewhere. A comparison that only holds on one of them (the explorer's output against a
direct call that took the other path, say) then passes on one machine and fails on the next. `MSSE_NATIVE_BF16`
(chapter 04) makes any CPU select as the other kind would, so these tests run the comparisons on both paths, with tiny
networks and images (bf16 is emulated, and slow, on a CPU without it): the explorer against `inpaint` of the same
checkpoint, and the knock-out chapter (tiny models only) on the path this CPU does not select.
"""
import os, subprocess, sys, textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from msse_inpaint.fast_path import native_bf16, FORCE_NATIVE_BF16_ENV   # noqa: E402

EXPLORER_AGAINST_INPAINT = textwrap.dedent('''
    import os, tempfile, torch
    from pathlib import Path
    from msse_inpaint.config import make_config
    from msse_inpaint.models import InpaintingNetwork
    from msse_inpaint.core import atomic_torch_save
    from msse_inpaint import inference
    from msse_inpaint.explorer import MaskExplorer
    cfg = make_config('debug', base_channels=8, attention_heads=2, image_size=64)
    torch.manual_seed(1)
    tmp = Path(tempfile.mkdtemp())
    ck = atomic_torch_save({'config': cfg.to_dict(), 'model': InpaintingNetwork.from_config(cfg).state_dict(), 'epoch': 1}, tmp / 'small.pth')
    ex = MaskExplorer(size=64, checkpoint=ck, save_dir=tmp)
    ex.generate('rect', seed=2)
    mask = torch.from_numpy(ex.mask)[None]
    model = inference.load_model(ck)
    assert model.fast_path.bf16 == (os.environ['MSSE_NATIVE_BF16'] == '1'), model.fast_path
    a, b = ex.run()['result'], inference.inpaint(model, ex.image, mask)['output']
    assert torch.allclose(a, b, atol=1e-6), float((a - b).abs().max())
    print('ok', model.fast_path.describe())
''')


def _env(force: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != FORCE_NATIVE_BF16_ENV}
    return {**env, FORCE_NATIVE_BF16_ENV: force, 'OMP_NUM_THREADS': '1', 'MPLBACKEND': 'Agg'}


@pytest.mark.parametrize('force', ['0', '1'])
def test_explorer_matches_inpaint_on_both_paths(force):
    r = subprocess.run([sys.executable, '-c', EXPLORER_AGAINST_INPAINT], cwd=ROOT, env=_env(force), capture_output=True,
                       text=True, timeout=900)
    assert r.returncode == 0 and 'ok' in r.stdout, f'{FORCE_NATIVE_BF16_ENV}={force}:\n{(r.stdout + r.stderr)[-3000:]}'


def test_knockout_chapter_on_the_other_path():
    "Chapter 23 (tiny models only) on the path this CPU does not select."
    native = native_bf16('cpu')[0] if FORCE_NATIVE_BF16_ENV not in os.environ else os.environ[FORCE_NATIVE_BF16_ENV] == '1'
    nbdev_test = Path(sys.executable).parent / 'nbdev_test'
    r = subprocess.run([str(nbdev_test), '--path', str(ROOT / 'nbs' / '23_knockout.ipynb')], cwd=ROOT, env=_env('0' if native else '1'),
                       capture_output=True, text=True, timeout=1500)
    assert r.returncode == 0 and 'Success' in r.stdout + r.stderr, (r.stdout + r.stderr)[-3000:]
