"""Paired margins of one method of an msse_eval run against the others, per hole bin and over all pairs: the mean of the
per-pair difference with its bootstrap 95 % interval (msse_inpaint.evaluation.paired_margins, pairs resampled) and the share
of pairs on which the method is better.  Reads the run's per_image.csv; prints Markdown, or writes it with --out.

    .venv/bin/python tools/paired_margins.py experiments/reference/next3/eval [--method msse] [--out FILE]

--versus RUN joins another msse_eval run's method on the same pairs (an earlier stage, say) as one more method, named after
its folder (`experiments/reference/next5/eval` -> next5), so a stage's gain over the one before is paired too:

    .venv/bin/python tools/paired_margins.py experiments/reference/next6/eval --versus experiments/reference/next5/eval
"""
import argparse, sys
from pathlib import Path

import pandas as pd

from msse_inpaint.evaluation import paired_margins
from msse_inpaint.reporting import markdown_table

METRICS = {'psnr_hole': ('hole PSNR (dB)', 3), 'ssim_hole': ('hole SSIM', 4)}


def margins(per_image: pd.DataFrame, method: str = 'msse') -> str:
    "The Markdown tables of `evaluation.paired_margins`: per metric, one row per (other method, bin) with `method - other`."
    table = paired_margins(per_image, method, metrics=list(METRICS))
    out = []
    for metric, (label, digits) in METRICS.items():
        rows = [[r.other, r.bin, f"{r.mean:+.{digits}f} [{r.ci_low:+.{digits}f}, {r.ci_high:+.{digits}f}]", f'{r.share_better:.0%}', str(r.n_pairs)]
                for r in table[table.metric == metric].itertuples()]
        out.append(f'**{label}: {method} minus each method, paired (bootstrap 95 % interval over pairs)**\n\n'
                   + markdown_table(['other', 'bin', f'{method} - other', f'pairs {method} better', 'pairs'], rows))
    return '\n\n'.join(out) + '\n'


PAIR_KEY = ['pair', 'image_path', 'mask_path', 'bin']   # what makes two runs' rows the same (image, mask) pair


def versus_name(run: Path) -> str:
    "The name of another run's method in the table: its folder, or the folder above when that is called `eval`."
    run = Path(run).resolve()
    return run.parent.name if run.name == 'eval' else run.name


def join_versus(per_image: pd.DataFrame, other: pd.DataFrame, method: str, name: str) -> pd.DataFrame:
    "`per_image` with `other`'s rows of `method` added as method `name`; a ValueError unless both runs scored the same pairs."
    if name in set(per_image.method): raise ValueError(f'--versus: {name!r} is already a method of the run; name its folder otherwise')
    theirs = other[other.method == method]
    if theirs.empty: raise ValueError(f'--versus: no method {method!r} in the other run (it has {", ".join(sorted(set(other.method)))})')
    key = [c for c in PAIR_KEY if c in per_image.columns and c in theirs.columns]
    mine = per_image[per_image.method == method][key]
    if mine.sort_values(key).to_numpy().tolist() != theirs[key].sort_values(key).to_numpy().tolist():
        raise ValueError(f'--versus: the two runs did not score the same (image, mask) pairs ({len(mine)} against {len(theirs)} rows, '
                         f'compared on {", ".join(key)})')
    return pd.concat([per_image, theirs.assign(method=name)], ignore_index=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('run', help='an msse_eval output folder (with per_image.csv)')
    ap.add_argument('--method', default='msse')
    ap.add_argument('--out', help='write the Markdown here instead of printing it')
    ap.add_argument('--versus', help="another msse_eval run on the same pairs: its METHOD joins as one more method, named after its folder")
    a = ap.parse_args(argv)
    def fail(msg): print(f'paired_margins: {msg}', file=sys.stderr); sys.exit(2)
    runs = [a.run] + ([a.versus] if a.versus else [])
    for run in runs:
        if not (Path(run) / 'per_image.csv').is_file(): fail(f'no per_image.csv in {run} (expected the folder of an msse_eval run)')
    try:
        per_image = pd.read_csv(Path(a.run) / 'per_image.csv')
        if a.versus: per_image = join_versus(per_image, pd.read_csv(Path(a.versus) / 'per_image.csv'), a.method, versus_name(a.versus))
        text = margins(per_image, a.method)
    except ValueError as e: fail(str(e).removeprefix('paired_margins: '))
    if a.out: Path(a.out).write_text(text)
    else: print(text, end='')


if __name__ == '__main__':
    main()
