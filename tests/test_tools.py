"""The repository's tools treat the files they are given as data: tools/model_card.py reads its --checkpoint with
weights_only=True, so a crafted checkpoint whose unpickling would run code is refused with one line (exit status 2) and the
code does not run."""
import io, json, os, subprocess, sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]


class Payload:
    "Unpickling this creates a file: the stand-in for code a crafted .pth would run."
    def __init__(self, marker): self.marker = str(marker)
    def __reduce__(self): return (io.open, (self.marker, 'w'))


def test_payload_runs_code_without_weights_only(tmp_path):
    "The control: loaded the unsafe way, the crafted file does run its code (so the test below can fail)."
    torch.save({'model': Payload(tmp_path / 'ran')}, tmp_path / 'evil.pth')
    torch.load(tmp_path / 'evil.pth', weights_only=False)
    assert (tmp_path / 'ran').exists()


def test_model_card_refuses_a_crafted_checkpoint(tmp_path):
    run = tmp_path / 'run'; run.mkdir()
    (run / 'config.json').write_text('{}'); (run / 'log.csv').write_text('epoch\n1\n')
    marker = tmp_path / 'code_ran'
    torch.save({'config': {}, 'model': Payload(marker), 'epoch': 1}, tmp_path / 'evil.pth')
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1'}
    r = subprocess.run([sys.executable, str(ROOT / 'tools' / 'model_card.py'), '--run', str(run), '--checkpoint', str(tmp_path / 'evil.pth'),
                        '--out', str(tmp_path / 'card.md'), '--tex', str(tmp_path / 'card.tex')],
                       capture_output=True, text=True, env=env, timeout=240)
    assert r.returncode == 2 and 'model_card: error:' in r.stderr and 'evil.pth could not be read as a checkpoint' in r.stderr, r.stderr[-2000:]
    assert 'Traceback' not in r.stderr
    assert not marker.exists()


def test_voila_config_hides_tracebacks_and_listens_locally():
    "The explorer page (make explorer) shows no server tracebacks and listens on the loopback interface unless opened deliberately."
    from traitlets.config import Config
    c = Config()
    exec(compile((ROOT / 'tools' / 'voila' / 'voila.py').read_text(), 'voila.py', 'exec'), {'c': c})
    assert c.VoilaConfiguration.show_tracebacks is False
    assert c.Voila.ip == '127.0.0.1'
    makefile = (ROOT / 'Makefile').read_text()
    assert 'MSSE_EXPLORER_DATA=' in makefile and 'MSSE_EXPLORER_OUT=' in makefile and '--Voila.auto_token=True' in makefile


def test_executed_chapters_print_stable_temporary_paths():
    "make notebooks writes a temporary folder the same way every run (the committed chapters do not churn)."
    import tempfile
    sys.path.insert(0, str(ROOT / 'tools'))
    from execute_notebooks import stable_paths
    tmp = tempfile.gettempdir()
    assert stable_paths(f'run folder {tmp}/msse_training_eujrm9xt/cli done') == 'run folder $TMPDIR/msse_training_XXXXXXXX/cli done'
    assert stable_paths(f'-> {tmp}/tmp723wgjej') == '-> $TMPDIR/tmpXXXXXXXX'
    assert stable_paths('<tmp>/msse_figures_demo_ab12cd34/x.png') == '$TMPDIR/msse_figures_demo_XXXXXXXX/x.png'   # as core.portable writes it
    with tempfile.TemporaryDirectory(prefix='msse_x_') as a, tempfile.TemporaryDirectory(prefix='msse_x_') as b:
        assert a != b and stable_paths(a) == stable_paths(b) == '$TMPDIR/msse_x_XXXXXXXX'
    for plain in (f'{tmp}/results.csv and /work/main/nbs', f'{tmp}/experiment.ipynb', f'{tmp}/my_notebook.ipynb'):   # not made by tempfile
        assert stable_paths(plain) == plain


def test_paired_margins_reads_per_image_and_refuses_bad_input(tmp_path):
    "tools/paired_margins.py: the paired difference per bin from an msse_eval run's per_image.csv; bad input is one line, status 2."
    import pandas as pd
    rows = [dict(pair=k, bin=b, method=m, psnr_hole=20.0 + k % 3 + (1.0 if m == 'msse' else 0.0), ssim_hole=0.6)
            for k, b in enumerate(['20-30'] * 5 + ['30-40'] * 5) for m in ('msse', 'biharmonic')]
    pd.DataFrame(rows).to_csv(tmp_path / 'per_image.csv', index=False)
    tool = [sys.executable, str(ROOT / 'tools' / 'paired_margins.py')]
    out = subprocess.run(tool + [str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert '| biharmonic | all | +1.000 [+1.000, +1.000] | 100% | 10 |' in out.stdout
    assert '| biharmonic | 30-40 | +1.000 [+1.000, +1.000] | 100% | 5 |' in out.stdout
    bad = subprocess.run(tool + [str(tmp_path), '--method', 'lama'], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and bad.stderr.strip().startswith("paired_margins: no method 'lama'"), bad.stderr
    none = subprocess.run(tool + [str(tmp_path / 'missing')], capture_output=True, text=True, cwd=ROOT)
    assert none.returncode == 2 and 'no per_image.csv' in none.stderr


def test_paired_margins_versus_an_earlier_run_pairs_the_same_pairs(tmp_path):
    "--versus joins another run's method on the same pairs, named after its folder; other pairs are refused in one line."
    import pandas as pd
    def run(folder, offset, n=10):
        rows = [dict(pair=k, bin=b, image_path=f'i{k}.png', mask_path=f'm{k}.png', method=m,
                     psnr_hole=20.0 + k % 3 + (offset if m == 'msse' else 0.0), ssim_hole=0.6)
                for k, b in enumerate((['20-30'] * 5 + ['30-40'] * 5)[:n]) for m in ('msse', 'biharmonic')]
        (tmp_path / folder / 'eval').mkdir(parents=True)
        pd.DataFrame(rows).to_csv(tmp_path / folder / 'eval' / 'per_image.csv', index=False)
        return str(tmp_path / folder / 'eval')
    new, old, short = run('next6', 1.0), run('next5', 0.25), run('other', 0.0, n=6)
    tool = [sys.executable, str(ROOT / 'tools' / 'paired_margins.py')]
    out = subprocess.run(tool + [new, '--versus', old], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert '| next5 | all | +0.750 [+0.750, +0.750] | 100% | 10 |' in out.stdout
    assert '| biharmonic | all | +1.000 [+1.000, +1.000] | 100% | 10 |' in out.stdout
    bad = subprocess.run(tool + [new, '--versus', short], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and 'did not score the same (image, mask) pairs (10 against 6 rows' in bad.stderr, bad.stderr
    same = subprocess.run(tool + [new, '--versus', new], capture_output=True, text=True, cwd=ROOT)
    assert same.returncode == 0 and '| next6 | all | +0.000' in same.stdout


def test_bench_ab_refuses_what_is_not_a_commit():
    out = subprocess.run(['bash', str(ROOT / 'tools' / 'bench_ab.sh'), 'no-such-commit'], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2 and 'bench_ab: no-such-commit is not a commit of this repository' in out.stderr
    out = subprocess.run(['bash', str(ROOT / 'tools' / 'bench_ab.sh'), 'HEAD', 'HEAD', '12x'], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2 and 'SIZES must be comma-separated integers' in out.stderr


def test_model_card_of_a_kept_stage_states_its_targets_and_refuses_another_models_numbers(tmp_path):
    """tools/model_card.py on the committed candidate (experiments/reference/next3): the stages found through init_weights, the
    targets each with its measured value and verdict, the knock-outs and the fault report; an evaluation made with another
    checkpoint is refused with one line instead of being printed as this model's."""
    stage = ROOT / 'experiments' / 'reference' / 'next3'
    if not (stage / 'eval_all_bins' / 'per_image.csv').is_file():
        import pytest; pytest.skip('experiments/reference/next3/eval_all_bins not committed')
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1'}
    d = 'experiments/reference/next3'
    args = [sys.executable, str(ROOT / 'tools' / 'model_card.py'), '--run', d, '--checkpoint', f'{d}/weights.pth', '--question', f'{d}/eval',
            '--knockout', f'{d}/knockout', '--faults', f'{d}/faults', '--out', str(tmp_path / 'card.md'), '--tex', str(tmp_path / 'card.tex')]
    r = subprocess.run(args + ['--eval', f'{d}/eval_all_bins'], capture_output=True, text=True, env=env, timeout=240, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    card = (tmp_path / 'card.md').read_text()
    assert card.startswith('# Model card (candidate, not shipped): experiments/reference/next3/weights.pth')
    assert 'in 3 stages' in card and '## The targets' in card and card.count('met**') >= 4
    assert '| hole PSNR at 20-50 % holes, minus biharmonic | >= +0.5 dB, interval above zero |' in card
    assert '## What the network uses: knock-outs' in card and '## Visible faults' in card and 'fault_gallery.png' in card
    r = subprocess.run(args + ['--eval', 'results/reference'], capture_output=True, text=True, env=env, timeout=240, cwd=ROOT)
    assert r.returncode != 0 and 'was not made with' in r.stderr and 'Traceback' not in r.stderr, r.stderr[-2000:]


def test_classical_blend_scores_the_blends_and_refuses_bad_input(tmp_path):
    """tools/classical_blend.py: each blend is the pixel-wise mix of the model's composite and biharmonic's; the report gives each
    output minus biharmonic paired per bin; bad options are one line, exit status 2, and nothing is written."""
    import pandas as pd
    sys.path.insert(0, str(ROOT / 'tools'))
    import classical_blend
    from msse_inpaint.evaluation import build_pairs
    from msse_inpaint.data import load_pair_row
    pairs = build_pairs(None, masks='generator:rect', per_bin=1, size=64, max_images=2)
    pairs.to_csv(tmp_path / 'pairs.csv', index=False)
    image, mask = load_pair_row(pairs.iloc[0].to_dict(), 64, fit_mask=True)
    out = classical_blend.blend_methods(str(ROOT / 'msse_inpaint' / 'weights' / 'msse_reference.pth'), [0.25])(image * (1 - mask), mask)
    assert set(out) == {'msse', 'biharmonic', 'blend_0.25'}
    assert torch.allclose(out['blend_0.25'], 0.25 * out['msse'] + 0.75 * out['biharmonic'])
    assert not torch.allclose(out['msse'], out['biharmonic'], atol=1e-3)   # two different fills, so the blend is a third
    rows = [dict(pair=k, bin=b, method=m, psnr_hole=20.0 + k % 3 + {'biharmonic': 0.0, 'msse': 1.0, 'blend_0.5': -0.5}[m])
            for k, b in enumerate(['01-10'] * 4 + ['40-50'] * 4) for m in ('biharmonic', 'msse', 'blend_0.5')]
    text = classical_blend.report(pd.DataFrame(rows))
    assert '| all | +1.00 [+1.00, +1.00] | -0.50 [-0.50, -0.50] | 8 |' in text, text
    assert '| 40-50 | +1.00 [+1.00, +1.00] | -0.50 [-0.50, -0.50] | 4 |' in text, text
    tool = [sys.executable, str(ROOT / 'tools' / 'classical_blend.py'), '--checkpoint', str(ROOT / 'msse_inpaint' / 'weights' / 'msse_reference.pth'),
            '--pairs', str(tmp_path / 'pairs.csv'), '--size', '64', '--out', str(tmp_path / 'report')]
    ok = subprocess.run(tool + ['--weights', '0.5'], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0, ok.stderr[-2000:]
    per_image = pd.read_csv(tmp_path / 'report' / 'per_image.csv')
    assert set(per_image.method) == {'msse', 'biharmonic', 'blend_0.5'} and per_image.pair.nunique() == len(pairs)
    for bad, says in [(['--weights', '1.5'], '--weights must be numbers in (0, 1)'), ([], 'holds a report already')]:
        r = subprocess.run(tool + bad, capture_output=True, text=True, cwd=ROOT)
        assert r.returncode == 2 and r.stderr.strip().startswith('classical_blend: ') and says in r.stderr, r.stderr[-2000:]
        assert len(r.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in (tmp_path / 'report').iterdir()) == ['blend.md', 'per_image.csv', 'run.json']
    again = subprocess.run(tool + ['--weights', '0.25,0.75', '--overwrite'], capture_output=True, text=True, cwd=ROOT)
    assert again.returncode == 0 and 'blend_0.75' in (tmp_path / 'report' / 'blend.md').read_text(), again.stderr[-2000:]


def test_gpu_stage_dry_run_on_the_cpu(tmp_path):
    """tools/reference_model.sh gpu_dry: the GPU stage's own command (issue 23) at toy size on the CPU, 64 px, 16 faces, one
    epoch, from the last committed stage's weights: it runs to a checkpoint and a log in GPU_OUT."""
    import json, pytest
    import pandas as pd
    from msse_inpaint.core import shared_data_dir
    if shared_data_dir() is None or not (shared_data_dir() / 'celebahq' / 'train').is_dir():
        pytest.skip('../shared/data/celebahq is not present (the training faces the GPU stage reads)')
    out = tmp_path / 'gpu_stage_dry'
    env = {**os.environ, 'GPU_OUT': str(out), 'OMP_NUM_THREADS': '2'}
    r = subprocess.run(['bash', str(ROOT / 'tools' / 'reference_model.sh'), 'gpu_dry'], capture_output=True, text=True, env=env,
                       timeout=900, cwd=ROOT)
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    log = pd.read_csv(out / 'log.csv')
    assert list(log.epoch) == [1] and log.hole_psnr.notna().all() and (out / 'checkpoints' / 'last.pth').is_file()
    latest = max((ROOT / 'experiments' / 'reference').glob('next*/weights.pth'), key=lambda p: int(p.parent.name[4:]))
    config = json.loads((out / 'config.json').read_text())
    assert (ROOT / config['init_weights']).resolve() == latest.resolve() and config['classical_base'] == 'biharmonic', config


def test_grid_stage_copies_finished_runs_without_weights_and_refuses_bad_input(tmp_path):
    """tools/grid_stage.py: a finished run of the worktree is copied without its checkpoints and with the worktree's absolute
    paths made relative; an unfinished run, or one this checkout has already, is left alone; bad options are one line."""
    sys.path.insert(0, str(ROOT / 'tools'))
    import grid_stage
    worktree = tmp_path / 'grid_worktree'
    source, dest = worktree / 'runs', tmp_path / 'main_runs'
    for variant, status in [('msse', 'ok'), ('corner', 'failed')]:
        run = source / variant / 'seed_0'
        (run / 'checkpoints').mkdir(parents=True)
        (run / 'checkpoints' / 'last.pth').write_bytes(b'weights')
        (run / 'metrics.json').write_text(json.dumps({'status': status, 'parameters': {'out_dir': f'{worktree.resolve()}/runs/{variant}/seed_0'}}))
    (dest / 'baseline' / 'seed_0').mkdir(parents=True)
    (dest / 'baseline' / 'seed_0' / 'metrics.json').write_text(json.dumps({'status': 'ok', 'parameters': {}}))
    assert grid_stage.copy_finished(source, dest, worktree) == ['msse/seed_0']
    assert not (dest / 'msse' / 'seed_0' / 'checkpoints').exists() and not (dest / 'corner').exists()
    assert json.loads((dest / 'msse' / 'seed_0' / 'metrics.json').read_text())['parameters']['out_dir'] == 'runs/msse/seed_0'
    assert grid_stage.copy_finished(source, dest, worktree) == []   # nothing twice
    tool = [sys.executable, str(ROOT / 'tools' / 'grid_stage.py')]
    for bad, says in [(['collect', '--grid', 'no/such.yaml'], '--grid: no such file no/such.yaml'),
                      (['start', '--jobs', '0'], '--jobs must be a positive integer'),
                      (['stop', '--worktree', str(tmp_path / 'none')], 'nothing was started there')]:
        r = subprocess.run(tool + bad, capture_output=True, text=True, cwd=ROOT)
        assert r.returncode == 2 and says in r.stderr and 'Traceback' not in r.stderr, r.stderr
    r = subprocess.run(tool + ['collect', '--worktree', str(tmp_path / 'none')], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode != 0 and 'nothing has run in the worktree' in r.stderr and 'Traceback' not in r.stderr, r.stderr
