"""End to end through the installed console scripts: `msse_train` (debug preset, built-in data, one tiny epoch),
then `msse_test` on its checkpoint in folder mode and single-image mode, and clear errors for bad arguments.

The whole file runs in well under two minutes on a CPU: the training run is one epoch at 32x32 on eight built-in images.
"""
import os, shutil, subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TINY = ['--config', 'debug', '--image_size', '32', '--base_channels', '8', '--batch_size', '4', '--train_subset', '8',
        '--val_subset', '4', '--epochs', '1', '--device', 'cpu', '--quiet']


def run(cmd, *args, cwd=None, timeout=240):
    exe = BIN / cmd
    if not exe.exists():
        pytest.skip(f'{exe} is not installed: run `uv pip install --python .venv/bin/python --no-deps -e .`')
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1', 'MPLBACKEND': 'Agg'}
    return subprocess.run([str(exe), *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    "One tiny msse_train run; its run folder."
    run_dir = tmp_path_factory.mktemp('cli') / 'run'
    r = run('msse_train', *TINY, '--save_dir', run_dir)
    assert r.returncode == 0, r.stdout + r.stderr
    assert 'done' in r.stdout and 'Best hole PSNR' in r.stdout, r.stdout
    return run_dir


def test_train_writes_a_run_folder(trained):
    for f in ['config.json', 'log.csv', 'loss.png', 'valmetrics.png', 'val_epoch_0001.png',
              'checkpoints/best_model.pth', 'checkpoints/last.pth', 'checkpoints/checkpoint_epoch_0001.pth']:
        assert (trained / f).is_file(), f
    header, row = (trained / 'log.csv').read_text().splitlines()[:2]
    cols = dict(zip(header.split(','), row.split(',')))
    assert cols['epoch'] == '1'
    for c in ['train_total', 'train_coarse', 'train_edge', 'train_corner', 'train_color', 'valid_total', 'hole_psnr', 'hole_ssim', 'boundary_psnr']:
        assert c in cols and cols[c] not in ('', 'nan'), c
    assert any((trained / 'logs').glob('events.out.tfevents.*'))


def test_test_folder_mode(trained, tmp_path):
    out = tmp_path / 'results'
    r = run('msse_test', '--checkpoint', trained / 'checkpoints/best_model.pth', '--save_dir', out, '--max_images', 3,
            '--n_show', 2, '--device', 'cpu')
    assert r.returncode == 0, r.stdout + r.stderr
    assert (out / 'test_results.png').is_file() and (out / 'metrics.csv').is_file() and (out / 'metrics_summary.csv').is_file()
    assert len(list((out / 'inpainted').glob('*.png'))) == 3
    lines = (out / 'metrics.csv').read_text().splitlines()
    assert len(lines) == 4 and 'psnr_hole' in lines[0]
    assert 'psnr_hole' in r.stdout


def test_test_single_image_mode(trained, tmp_path):
    import torch
    from msse_inpaint.core import save_image, read_image
    image = torch.rand(3, 40, 52)
    mask = torch.zeros(1, 40, 52); mask[:, 10:25, 12:30] = 1
    save_image(image, tmp_path / 'img.png'); save_image(mask, tmp_path / 'img_mask.png')
    r = run('msse_test', '--checkpoint', trained / 'checkpoints/best_model.pth', '--image_path', tmp_path / 'img.png',
            '--mask_path', tmp_path / 'img_mask.png', '--save_dir', tmp_path / 'out', '--device', 'cpu')
    assert r.returncode == 0, r.stdout + r.stderr
    result = read_image(tmp_path / 'out' / 'img_inpainted.png')
    assert result.shape == (3, 40, 52)
    known = (mask == 0).expand(3, -1, -1)
    assert torch.equal(result[known], read_image(tmp_path / 'img.png')[known])   # known pixels come back exactly
    assert (tmp_path / 'out' / 'img_comparison.png').is_file()


def test_resume_continues_the_run(trained, tmp_path):
    from msse_inpaint.training import msse_train
    run_dir = tmp_path / 'resumed'
    shutil.copytree(trained, run_dir)
    msse_train(resume=str(run_dir / 'checkpoints/last.pth'), epochs=2, quiet=True)   # continues in the checkpoint's run folder
    assert [l.split(',')[0] for l in (run_dir / 'log.csv').read_text().splitlines()[1:]] == ['1', '2']
    assert (run_dir / 'checkpoints/checkpoint_epoch_0002.pth').is_file()


def test_one_run_per_folder_and_overwrite_starts_clean(trained, tmp_path):
    "A second msse_train into a folder another process holds fails at once; --overwrite over a longer old run leaves none of its files."
    run_dir = tmp_path / 'run'
    shutil.copytree(trained, run_dir)
    stale = ['checkpoints/checkpoint_epoch_0050.pth', 'val_epoch_0050.png', 'maps_epoch_0050.png', 'logs/events.out.tfevents.old']
    for f in stale: (run_dir / f).write_bytes(b'from a longer, older run')
    code = f'from msse_inpaint.core import folder_lock\nimport time\nwith folder_lock({str(run_dir)!r}):\n print("held", flush=True); time.sleep(120)'
    holder = subprocess.Popen([sys.executable, '-c', code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == 'held'
        r = run('msse_train', *TINY, '--save_dir', run_dir, '--overwrite')
        assert r.returncode == 2 and f'in use by a msse_train run of process {holder.pid}' in r.stderr and 'Traceback' not in r.stderr, r.stderr
        assert all((run_dir / f).exists() for f in stale)           # the refused run touched nothing
    finally: holder.kill(); holder.wait()
    r = run('msse_train', *TINY, '--save_dir', run_dir, '--overwrite')
    assert r.returncode == 0, r.stdout + r.stderr
    assert not [f for f in stale if (run_dir / f).exists()]
    assert sorted(p.name for p in (run_dir / 'checkpoints').iterdir()) == ['best_model.pth', 'checkpoint_epoch_0001.pth', 'last.pth']
    assert len(list((run_dir / 'logs').iterdir())) == 1


def test_resume_refuses_an_exported_model(trained, tmp_path):
    from msse_inpaint.inference import export_checkpoint
    from msse_inpaint.training import msse_train
    shipped = export_checkpoint(trained / 'checkpoints/last.pth', tmp_path / 'shipped.pth')
    code, err = cli_error(msse_train, resume=str(shipped), epochs=3, save_dir=str(tmp_path / 'r'), quiet=True)
    assert code == 2 and 'holds weights only' in err and '--init_weights' in err, err


def test_bad_arguments_through_the_console_scripts(tmp_path):
    """One bad call per script as a real process: one line on stderr, status 2, no traceback, nothing written (the other
    bad-argument cases below call the same functions in-process, which saves a torch/fastai start-up each)."""
    r = run('msse_train', '--config', 'debug', '--image_size', '30', '--save_dir', tmp_path / 'bad')
    assert r.returncode == 2 and 'image_size=30' in r.stderr and 'Traceback' not in r.stderr, r.stderr
    assert not (tmp_path / 'bad').exists()
    from PIL import Image
    Image.new('RGB', (32, 32)).save(tmp_path / 'x.png')          # an existing image without its mask: the pairing error
    r = run('msse_test', '--image_path', tmp_path / 'x.png', '--save_dir', tmp_path / 'bad')
    assert r.returncode == 2 and '--image_path and --mask_path go together' in r.stderr and 'Traceback' not in r.stderr, r.stderr


def cli_error(fn, **kwargs):
    "Call a console-script function in-process; return (status, stderr)."
    import contextlib, io
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        with pytest.raises(SystemExit) as e: fn(**kwargs)
    return e.value.code, err.getvalue()


@pytest.mark.parametrize('args, expected', [
    (dict(config='nonsense'), '--config must be a preset'),
    (dict(config='debug', epochs=0), 'epochs=0'),
    (dict(config='debug', train_root='/no/such/folder'), '/no/such/folder'),
    (dict(resume='/no/such/checkpoint.pth'), 'Checkpoint not found'),
    (dict(config='debug', hole_range='big'), '--hole_range expects two numbers'),
    (dict(config='debug', no_structure_encoder=True, structure_encoder=True), 'contradict'),
])
def test_train_bad_arguments(args, expected, tmp_path):
    from msse_inpaint.training import msse_train
    code, err = cli_error(msse_train, **args, save_dir=str(tmp_path / 'bad'))
    assert code == 2 and expected in err, err
    assert not (tmp_path / 'bad').exists()


def test_train_refuses_to_mix_runs(trained):
    from msse_inpaint.training import msse_train
    code, err = cli_error(msse_train, config='debug', image_size=32, base_channels=8, train_subset=8, val_subset=4,
                          epochs=1, device='cpu', save_dir=str(trained))
    assert code == 2 and 'already holds a run' in err, err


@pytest.mark.parametrize('args, expected', [
    (dict(mask_path='x.png'), '--image_path and --mask_path go together'),
    (dict(test_root='/no/such/folder'), '/no/such/folder'),
    (dict(mask_hole_is='grey'), "--mask_hole_is must be one of white, black, got 'grey'"),
    (dict(image_path='a.png', mask_path='b.png', test_root='.'), 'not both'),
])
def test_test_bad_arguments(trained, args, expected, tmp_path):
    from PIL import Image
    from msse_inpaint.inference import msse_test
    for key in ('image_path', 'mask_path'):                 # existing files: each case reaches the check it is about
        if key in args: Image.new('RGB', (32, 32)).save(tmp_path / args[key]); args = {**args, key: str(tmp_path / args[key])}
    code, err = cli_error(msse_test, checkpoint=str(trained / 'checkpoints/best_model.pth'), **args, save_dir=str(tmp_path / 'o'))
    assert code == 2 and expected in err, err


def test_test_bad_checkpoint(tmp_path):
    from msse_inpaint.inference import msse_test
    (tmp_path / 'junk.pth').write_bytes(b'not a checkpoint')
    code, err = cli_error(msse_test, checkpoint=str(tmp_path / 'junk.pth'), save_dir=str(tmp_path / 'o'))
    assert code == 2 and 'could not be read as a checkpoint' in err, err


def test_msse_train_lists_unreadable_training_images(tmp_path):
    "A damaged file in the training folder is skipped, the run goes on, and the run folder's skipped.csv names it with the reason."
    import csv
    import numpy as np
    from PIL import Image
    images = tmp_path / 'faces'; images.mkdir()
    for i in range(9): Image.fromarray(np.random.default_rng(i).integers(0, 255, (40, 40, 3), dtype=np.uint8)).save(images / f'{i}.png')
    (images / 'damaged.png').write_bytes(b'not a png')
    i = TINY.index('--train_subset'); args = TINY[:i] + TINY[i + 2:]   # every image of the folder
    r = run('msse_train', *args, '--train_root', images, '--save_dir', tmp_path / 'run')
    assert r.returncode == 0, r.stderr[-800:]
    rows = list(csv.DictReader(open(tmp_path / 'run' / 'skipped.csv')))
    assert [Path(row['image_path']).name for row in rows] == ['damaged.png'] and 'could not be read' in rows[0]['reason'], rows


def _children(pid: int) -> list[int]:
    "Process ids whose parent is `pid` (from /proc)."
    out = []
    for stat in Path('/proc').glob('[0-9]*/stat'):
        try: fields = stat.read_text().rsplit(')', 1)[1].split()
        except OSError: continue
        if int(fields[1]) == pid: out.append(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try: state = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()[0]
    except OSError: return False
    return state != 'Z'


@pytest.mark.skipif(not sys.platform.startswith('linux'), reason='the worker processes follow their runner on Linux (PR_SET_PDEATHSIG)')
def test_killed_sweep_runner_takes_its_workers_and_kernels_along(tmp_path):
    """`msse_ablate --jobs 2` killed mid-sweep: its worker processes and their kernels end with it, and no queued cell starts
    afterwards (once, killed runners left workers that went on running the queue with no lock held)."""
    import signal, time, nbformat, yaml
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("variant = 'a'\nseed = 0\nout_dir = None\nscale = 1.0"); params.metadata['tags'] = ['parameters']
    nb.cells = [params, nbformat.v4.new_code_cell('import time\ntime.sleep(120)')]
    nbformat.write(nb, str(tmp_path / 'slow.ipynb'))
    (tmp_path / 'slow.yaml').write_text(yaml.safe_dump({
        'name': 'slow', 'template': str(tmp_path / 'slow.ipynb'), 'output_dir': str(tmp_path / 'runs'), 'seeds': [0, 1, 2, 3],
        'factors': {'scale': {1: {'scale': 1.0}, 2: {'scale': 2.0}}}, 'variants': {'a': {'scale': 1}}}))
    exe = BIN / 'msse_ablate'
    if not exe.exists(): pytest.skip(f'{exe} is not installed')
    runner = subprocess.Popen([str(exe), str(tmp_path / 'slow.yaml'), '--jobs', '2'], stdout=subprocess.DEVNULL, stderr=open(tmp_path / 'err.txt', 'w'),
                              env={**os.environ, 'OMP_NUM_THREADS': '1'})
    try:
        deadline = time.time() + 120
        while time.time() < deadline and len(list((tmp_path / 'runs').glob('a/seed_*/.partial*'))) + \
                len(list((tmp_path / 'runs').glob('a/seed_*/*.ipynb'))) < 2:
            time.sleep(0.5)
        workers, kernels = _children(runner.pid), []
        while time.time() < deadline and len(kernels) < 2:   # each worker starts its kernel
            time.sleep(0.5); kernels = [k for w in workers for k in _children(w)]
        assert len(workers) >= 2 and kernels, (workers, kernels, (tmp_path / 'err.txt').read_text()[-1000:])
        runner.send_signal(signal.SIGTERM); runner.wait(timeout=30)
        deadline = time.time() + 60
        while time.time() < deadline and any(_alive(p) for p in workers + kernels): time.sleep(0.5)
        assert not any(_alive(p) for p in workers + kernels), [p for p in workers + kernels if _alive(p)]
        started = {p.parent.name for p in (tmp_path / 'runs').glob('a/seed_*/*') if p.suffix == '.ipynb' or p.name.startswith('.partial')}
        assert len(started) <= 2, started   # the queued cells never started
    finally:
        if runner.poll() is None: runner.kill()
