"""The chapters that compare two ways of running a model, run again on the precision path this CPU does NOT select.

`make test` runs every chapter on the path the CPU at hand selects: bf16 autocast where the CPU computes bf16 natively
(AVX512-BF16 or AMX), float32 elsewhere. A comparison that only holds on one of them (the explorer's output against a direct
call on another path, say) then passes on one machine and fails on the next. `MSSE_NATIVE_BF16` (chapter 04) makes any CPU
select as the other kind would, so this test covers the other path on every machine: float32 on a native-bf16 CPU, and
bf16 (emulated, slow, hence only these chapters with their tiny models) on an AVX2-only one.
"""
import os, subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from msse_inpaint.fast_path import native_bf16, FORCE_NATIVE_BF16_ENV   # noqa: E402

# the chapters whose tests compare outputs of the inference path, the explorer, the knock-outs and the model
CHAPTERS = ('31_inference.ipynb', '40_explorer.ipynb', '23_knockout.ipynb')


@pytest.mark.parametrize('chapter', CHAPTERS)
def test_chapter_on_the_other_precision_path(chapter):
    env = {k: v for k, v in os.environ.items() if k != FORCE_NATIVE_BF16_ENV}
    native = native_bf16('cpu')[0] if FORCE_NATIVE_BF16_ENV not in os.environ else os.environ[FORCE_NATIVE_BF16_ENV] == '1'
    env[FORCE_NATIVE_BF16_ENV] = '0' if native else '1'
    nbdev_test = Path(sys.executable).parent / 'nbdev_test'
    r = subprocess.run([str(nbdev_test), '--path', str(ROOT / 'nbs' / chapter)], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=1500)
    tail = (r.stdout + r.stderr)[-3000:]
    assert r.returncode == 0 and 'Success' in r.stdout + r.stderr, f'{chapter} with {FORCE_NATIVE_BF16_ENV}={env[FORCE_NATIVE_BF16_ENV]}:\n{tail}'
