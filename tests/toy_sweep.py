"""What the `msse_ablate` end-to-end tests share: a trivial papermill template (no training, one short kernel per run)
and a way to call the installed `msse_ablate` as a user does (a fresh process, in a given folder)."""
import os, subprocess, sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).parent / 'msse_ablate'


def toy_template(path: Path) -> Path:
    "A template whose run writes metrics.json with score = scale * (seed + 1), and fails on purpose when seed == fail_seed."
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("variant = 'a'\nseed = 0\nout_dir = None\nscale = 1.0\nfail_seed = -1")
    params.metadata['tags'] = ['parameters']
    nb.cells = [params, nbformat.v4.new_code_cell(
        "import json, os, pathlib\n"
        "if seed == fail_seed: raise RuntimeError(f'deliberate failure for seed {seed}')\n"
        "p = dict(variant=variant, seed=seed, out_dir=out_dir, scale=scale, fail_seed=fail_seed)\n"
        "r = dict(status='ok', variant=variant, seed=seed, parameters=p, metrics={'score': scale * (seed + 1)}, timings={})\n"
        "tmp = pathlib.Path(out_dir) / '.m.tmp'; tmp.write_text(json.dumps(r)); os.replace(tmp, pathlib.Path(out_dir) / 'metrics.json')")]
    nbformat.write(nb, str(path))
    return path


def run_ablate(*args, cwd) -> subprocess.CompletedProcess:
    "`msse_ablate ARGS` in folder `cwd`, one thread per run, output captured."
    env = {**os.environ, 'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS', '1')}
    if env.pop('PYTHONDONTWRITEBYTECODE', None):  # each call is a fresh interpreter (and kernel): cache bytecode under runs/
        env.setdefault('PYTHONPYCACHEPREFIX', str(ROOT / 'runs' / '.pycache'))
    return subprocess.run([str(CLI), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300, env=env)
