"""`msse_train` on two processes (`torchrun --nproc_per_node 2`, gloo on the CPU) on tiny data, as a cluster user runs it on
N GPUs: the run folder written once (by rank 0), the logged validation metrics equal to a single-process validation of the saved
weights on the same images (so they are not rank 0's half), a finite training loss, and a resume on two processes.

Two short runs (one epoch each, 32x32, four training and five validation images): about a minute alone on two cores, two when they are busy.
"""
import csv, math, os, signal, subprocess, sys
from pathlib import Path

import pytest
import torch

BIN = Path(sys.executable).parent
TINY = ['--config', 'debug', '--image_size', '32', '--base_channels', '8', '--batch_size', '2', '--train_subset', '4',
        '--val_subset', '5', '--device', 'cpu', '--quiet']   # 5 validation images: two ranks get 3 + 2 (one padded copy)


def torchrun(*args, timeout=150):
    if not (BIN / 'torchrun').exists() or not (BIN / 'msse_train').exists():
        pytest.skip('torchrun or msse_train is not installed (make env)')
    if not torch.distributed.is_available() or not torch.distributed.is_gloo_available():
        pytest.skip('this torch build has no gloo backend')
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1', 'MPLBACKEND': 'Agg'}
    env.pop('WORLD_SIZE', None); env.pop('RANK', None)
    cmd = [str(BIN / 'torchrun'), '--standalone', '--nproc_per_node', '2', '--no-python', str(BIN / 'msse_train'), *map(str, args)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try: out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:   # a hung rank: stop the launcher and both workers (their own process group), then fail
        os.killpg(proc.pid, signal.SIGKILL); out, err = proc.communicate()
        pytest.fail(f'torchrun did not finish in {timeout} s (a rank waiting on another?)\n{out}\n{err}')
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


@pytest.fixture(scope='module')
def run_dir(tmp_path_factory):
    "Epoch 1 of 2 on two processes, stopped; then resumed to epoch 2 on two processes."
    folder = tmp_path_factory.mktemp('dist') / 'run'
    r = torchrun(*TINY, '--epochs', '2', '--stop_after_epoch', '1', '--save_dir', folder)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count('msse_train: done') == 1, r.stdout   # rank 0 reports, rank 1 does not
    r = torchrun('--resume', folder / 'checkpoints' / 'last.pth', '--quiet')
    assert r.returncode == 0, r.stdout + r.stderr
    return folder


def test_one_writer(run_dir):
    cks = sorted(p.name for p in (run_dir / 'checkpoints').iterdir())
    assert cks == ['best_model.pth', 'checkpoint_epoch_0002.pth', 'last.pth'], cks
    assert len(list((run_dir / 'logs').glob('events.out.tfevents.*'))) == 2   # one per launch (first run, resume): rank 0 only
    assert not list(run_dir.glob('**/*.tmp*'))
    rows = list(csv.DictReader((run_dir / 'log.csv').open()))
    assert [int(r['epoch']) for r in rows] == [1, 2]
    for r in rows: assert math.isfinite(float(r['train_total'])) and math.isfinite(float(r['hole_psnr']))
    ck = torch.load(run_dir / 'checkpoints' / 'last.pth', map_location='cpu', weights_only=False)
    assert ck['epoch'] == 2 and not any(k.startswith('module.') for k in ck['model'])   # the plain network, not DDP's wrapper


def test_metrics_over_all_ranks_equal_single_process(run_dir, tmp_path):
    from msse_inpaint.training import METRIC_NAMES, build_learner, config_from_checkpoint, read_checkpoint
    ck = read_checkpoint(run_dir / 'checkpoints' / 'last.pth')
    cfg = config_from_checkpoint(ck, device='cpu')
    learn = build_learner(cfg, folder=tmp_path / 'single', tensorboard=False, n_samples=0)
    assert learn.dls.valid.n == 5
    learn.model.load_state_dict(ck['model'])
    learn.remove_cbs([learn.run_logger, learn.checkpointer])
    with learn.no_bar(), learn.no_logging(): res = learn.validate()
    single = dict(zip(METRIC_NAMES, res[1:]))
    for k in METRIC_NAMES: assert single[k] == pytest.approx(ck['metrics'][k], rel=1e-4, abs=1e-4), (k, single, ck['metrics'])
    # and a mean over one rank's 3 (or 2) images would differ: the metric is not constant over the images
    per_image = learn.metrics[0].values
    assert len(per_image) == 5 and abs(sum(per_image[:3]) / 3 - single['hole_psnr']) > 1e-3
