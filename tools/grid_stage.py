"""One stage of a long ablation grid (issue 24's takes several sessions) run from a snapshot of the repository, so that the
working tree can change while it runs, and its finished runs brought back to be committed.

    .venv/bin/python tools/grid_stage.py start [--grid experiments/ablation_celebahq.yaml] [--jobs 2]
        a git worktree of HEAD (default ../grid_worktree), this checkout's .venv linked into it, and `msse_ablate GRID
        --jobs JOBS` started there in the background (its log: WORKTREE/grid_stage.log); finished runs are skipped, so the
        grid goes on where the committed runs stop
    .venv/bin/python tools/grid_stage.py collect [--grid ...]
        copies the worktree's finished runs (status ok) that this checkout lacks, without their checkpoints, with the
        worktree's and the shared data's absolute paths made relative, then re-aggregates the grid here (the CSVs, compacted
        samples): what is left to commit
    .venv/bin/python tools/grid_stage.py stop
        ends the background msse_ablate (SIGTERM to its process group): finished runs stay, the run in progress is lost

A run's folder is data: nothing in it is executed here; metrics.json is read as JSON.
"""
import argparse, json, os, shutil, signal, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PID_FILE = 'grid_stage.pid'


def output_dir(grid: Path, root: Path) -> Path:
    "The grid's output_dir under `root` (read with the package's own grid reader, so the YAML is checked as msse_ablate checks it)."
    from msse_inpaint.ablation import load_grid
    return root / Path(load_grid(grid).output_dir).resolve().relative_to(ROOT)


def finished(run_dir: Path) -> bool:
    "Whether a run folder's metrics.json says it finished ('status': 'ok')."
    try: return json.loads((run_dir / 'metrics.json').read_text()).get('status') == 'ok'
    except (OSError, ValueError): return False


def portable_text(text: str, worktree: Path) -> str:
    "`text` with the worktree's absolute root and the shared data's absolute folder written as the repository writes them."
    shared = ROOT.parent / 'shared' / 'data'
    return text.replace(f'{worktree.resolve()}/', '').replace(str(shared.resolve()), '../shared/data')


def copy_finished(source: Path, dest: Path, worktree: Path) -> list[str]:
    "Copy each finished run under `source` that `dest` lacks, without checkpoints, its paths made relative; returns the runs copied."
    copied = []
    for metrics in sorted(source.glob('*/seed_*/metrics.json')):
        run = metrics.parent.relative_to(source)
        if not finished(metrics.parent) or finished(dest / run): continue
        shutil.copytree(metrics.parent, dest / run, ignore=shutil.ignore_patterns('checkpoints', '*.lock'), dirs_exist_ok=True)
        for f in [dest / run / 'metrics.json', *(dest / run).glob('train/config.json')]:
            f.write_text(portable_text(f.read_text(), worktree))
        copied.append(str(run))
    return copied


def collect(grid: Path, worktree: Path) -> list[str]:
    "Copy the worktree's finished runs that this checkout lacks, then re-aggregate the grid here; returns the runs copied."
    source = output_dir(grid, worktree)
    if not source.is_dir(): raise SystemExit(f'grid_stage: no {source}: nothing has run in the worktree {worktree} (start first)')
    copied = copy_finished(source, output_dir(grid, ROOT), worktree)
    if copied:
        from msse_inpaint.ablation import aggregate, load_grid
        aggregate(load_grid(grid))
    return copied


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('action', choices=['start', 'collect', 'stop'])
    p.add_argument('--grid', default='experiments/ablation_celebahq.yaml', help='the grid YAML (relative to the repository)')
    p.add_argument('--worktree', default=str(ROOT.parent / 'grid_worktree'), help='where the snapshot of HEAD lives')
    p.add_argument('--jobs', type=int, default=2, help='runs at a time (the grid gives each one thread)')
    a = p.parse_args(argv)
    grid, worktree = ROOT / a.grid, Path(a.worktree)
    if not grid.is_file(): p.error(f'--grid: no such file {a.grid}')
    if a.jobs < 1: p.error(f'--jobs must be a positive integer, got {a.jobs}')
    if a.action == 'start':
        if worktree.exists(): p.error(f'--worktree {worktree} exists already (collect and remove it: git worktree remove --force {worktree})')
        subprocess.run(['git', 'worktree', 'add', '--detach', str(worktree), 'HEAD'], cwd=ROOT, check=True)
        (worktree / '.venv').symlink_to(ROOT / '.venv')
        with open(worktree / 'grid_stage.log', 'w') as log:
            proc = subprocess.Popen([str(worktree / '.venv' / 'bin' / 'msse_ablate'), str(worktree / a.grid), '--jobs', str(a.jobs)],
                                    cwd=worktree, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                    env={**os.environ, 'PYTHONPATH': str(worktree)})
        (worktree / PID_FILE).write_text(str(proc.pid))
        print(f'grid_stage: msse_ablate {a.grid} --jobs {a.jobs} running in {worktree} (pid {proc.pid}; log grid_stage.log)')
    elif a.action == 'stop':
        if not (worktree / PID_FILE).is_file(): p.error(f'no {worktree / PID_FILE}: nothing was started there')
        try: os.killpg(int((worktree / PID_FILE).read_text()), signal.SIGTERM); print('grid_stage: stopped')
        except ProcessLookupError: print('grid_stage: it had finished already')
    else:
        copied = collect(grid, worktree)
        print('\n'.join(f'copied {r}' for r in copied) or 'grid_stage: no finished run to copy')
    return 0


if __name__ == '__main__':
    sys.exit(main())
