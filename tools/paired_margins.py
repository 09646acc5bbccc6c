"""Paired margins of one method of an msse_eval run against the others, per hole bin and over all pairs: the mean of the
per-pair difference with its bootstrap 95 % interval (msse_inpaint.evaluation.paired_margins, pairs resampled) and the share
of pairs on which the method is better.  Reads the run's per_image.csv; prints Markdown, or writes it with --out.

    .venv/bin/python tools/paired_margins.py experiments/reference/next3/eval [--method msse] [--out FILE]
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


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('run', help='an msse_eval output folder (with per_image.csv)')
    ap.add_argument('--method', default='msse')
    ap.add_argument('--out', help='write the Markdown here instead of printing it')
    a = ap.parse_args(argv)
    f = Path(a.run) / 'per_image.csv'
    def fail(msg): print(f'paired_margins: {msg}', file=sys.stderr); sys.exit(2)
    if not f.is_file(): fail(f'no per_image.csv in {a.run} (expected the folder of an msse_eval run)')
    try: text = margins(pd.read_csv(f), a.method)
    except ValueError as e: fail(str(e).removeprefix('paired_margins: '))
    if a.out: Path(a.out).write_text(text)
    else: print(text, end='')


if __name__ == '__main__':
    main()
