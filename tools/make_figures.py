"""The main job (`make figures`): every figure and table the thesis includes, from scratch.

1. executes the chapters that draw thesis figures (nbs/01_data, 02_masks, 13_attention, 14_model) with papermill and
   `$MSSE_WRITE_FIGURES=1`; they write figures/data_*.png, masks_*.png, attention_*.png and model_*.png (those writes are
   in `#| slow` cells or go through `msse_inpaint.core.save_thesis_figure`, so `nbdev_test` and `make notebooks` write
   nothing tracked);
2. runs the ablation sweep with `msse_inpaint.ablation` (one papermill run of nbs/experiments/experiment.ipynb per
   variant and seed; finished runs are skipped, so an interrupted job resumes where it stopped);
3. executes the figures notebook (nbs/51_figures.ipynb) for the sweep: figures/ablation_<sweep>_*.png, the LaTeX tables
   and text fragments in thesis/tables/, and the HTML report figures/ablation_<sweep>_report.html.

Without --data it runs experiments/ablation_debug.yaml (built-in images, debug preset, CPU, minutes);
`make figures DATA=../shared/data/celebahq PRESET=default` runs experiments/ablation_celebahq.yaml with that data
and preset (override the grid with --grid).  Executed notebooks are kept under runs/figures/ and in the sweep folder.
Exit status 1 when any step or any run failed (the other steps still run).
"""
import argparse, os, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ('nbs/01_data.ipynb', 'nbs/02_masks.ipynb', 'nbs/13_attention.ipynb', 'nbs/14_model.ipynb', 'nbs/24_diagnosis.ipynb')


def without_cuda_cells(nb: Path, out_dir: Path) -> Path:
    """A copy of chapter `nb` in `out_dir` without its `#| cuda` cells when no GPU is present (papermill does not know
    nbdev's flags; those cells need a CUDA device).  The `#| slow` cells stay: they are the ones that write figures."""
    import nbformat, torch
    sys.path.insert(0, str(ROOT / 'tools'))
    from execute_notebooks import directives
    book = nbformat.read(str(nb), as_version=4)
    if not torch.cuda.is_available():
        book.cells = [c for c in book.cells if c.cell_type != 'code' or 'cuda' not in directives(c.source)]
    copy = out_dir / f'{nb.stem}.input.ipynb'
    nbformat.write(book, str(copy))
    return copy


def run_chapter(nb: Path, out_dir: Path, data: str | None) -> None:
    "Execute one chapter notebook with papermill in its own folder (as nbdev_test does); pass `data` when it declares it."
    import papermill as pm
    from msse_inpaint.ablation import template_parameters
    try: declared = template_parameters(nb)
    except ValueError: declared = {}  # no parameters cell: run it as it is
    params = {'data': data} if data and 'data' in declared else {}
    pm.execute_notebook(str(without_cuda_cells(nb, out_dir)), str(out_dir / nb.name), parameters=params, cwd=str(nb.parent),
                        kernel_name='python3', language='python', progress_bar=False)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--data', default='', help='image folder (with train/ and val/, or one folder); empty: built-in images')
    p.add_argument('--preset', default='', help="configuration preset for every run (default: the grid's own: debug for the "
                                                 "built-in grid, default for the CelebA-HQ grid)")
    p.add_argument('--grid', default=None, help='YAML grid (default: experiments/ablation_debug.yaml without --data, '
                                                'experiments/ablation_celebahq.yaml with it)')
    p.add_argument('--set', nargs='*', default=[], help='extra template parameters key=value for every run')
    p.add_argument('--skip-chapters', action='store_true', help='do not re-run the data and mask chapters')
    p.add_argument('--force', action='store_true', help='re-run finished runs of the sweep')
    p.add_argument('--jobs', type=int, default=1, help='runs of the sweep at a time, each its own process (grids set num_threads: 1)')
    args = p.parse_args(argv)

    os.environ.setdefault('MPLBACKEND', 'Agg')
    os.environ['MSSE_WRITE_FIGURES'] = '1'   # core.save_thesis_figure writes figures/ only when this is set
    if os.environ.pop('PYTHONDONTWRITEBYTECODE', None):
        # Every papermill run is a fresh kernel; without cached bytecode each one spends ~8 s of CPU compiling torch and
        # fastai.  Cache it under runs/ (ignored by git) instead of not at all.
        os.environ.setdefault('PYTHONPYCACHEPREFIX', str(ROOT / 'runs' / '.pycache'))
    sys.path.insert(0, str(ROOT))
    from msse_inpaint.ablation import load_grid, parse_overrides, resolve_data, run_sweep, run_figures

    t_all, failures, timings = time.time(), [], {}
    out = ROOT / 'runs' / 'figures'
    out.mkdir(parents=True, exist_ok=True)
    if not args.skip_chapters:
        for rel in CHAPTERS:
            t0 = time.time()
            nb = ROOT / rel
            print(f'== {rel}', flush=True)
            try:
                run_chapter(nb, out, args.data or None)
            except Exception as e:
                failures.append(f'{rel}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""}')
                print(f'   FAILED: {failures[-1]} (executed notebook: {out / nb.name})', flush=True)
            timings[rel] = time.time() - t0
            print(f'   {timings[rel]:.0f} s', flush=True)

    grid_path = args.grid or ('experiments/ablation_celebahq.yaml' if args.data else 'experiments/ablation_debug.yaml')
    overrides = {**resolve_data(args.data or None), **({'preset': args.preset} if args.preset else {}), **parse_overrides(args.set)}
    grid = load_grid(grid_path, overrides=overrides)
    print(f'== sweep {grid.name!r} ({grid_path}): {len(grid.variants)} variants x {len(grid.seeds)} seeds -> {grid.output_dir}',
          flush=True)
    t0 = time.time()
    results = run_sweep(grid, force=args.force, jobs=args.jobs, log=lambda s: print('   ' + s, flush=True))
    timings['sweep'] = time.time() - t0
    failed = results[results.status != 'ok']
    failures += [f'run {r.variant} seed {r.seed}: {r.status} {r.get("error", "") or ""}' for _, r in failed.iterrows()]

    if (results.status == 'ok').any():
        print('== figures notebook', flush=True)
        t0 = time.time()
        try:
            run_figures(grid.output_dir, log=lambda s: print('   ' + s, flush=True))
        except Exception as e:
            failures.append(f'nbs/51_figures.ipynb: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""}')
            print(f'   FAILED: {failures[-1]} (executed notebook: {grid.output_dir / "figures.ipynb"})', flush=True)
        timings['figures'] = time.time() - t0
    else:
        failures.append('no finished run: figures not made')

    timings['total'] = time.time() - t_all
    print('== timings: ' + ', '.join(f'{k} {v:.0f} s' for k, v in timings.items()))
    if failures:
        print('== FAILED:\n  ' + '\n  '.join(failures))
        return 1
    print('== done: figures in figures/, tables in thesis/tables/')
    return 0


if __name__ == '__main__':
    sys.exit(main())
