"""Paired margins of one method of an msse_eval run against the others, per hole bin and over all pairs: the mean of the
per-pair difference with its bootstrap 95 % interval (msse_inpaint.reporting.paired_bootstrap, pairs resampled) and the share
of pairs on which the method is better.  Reads the run's per_image.csv; prints Markdown, or writes it with --out.

    .venv/bin/python tools/paired_margins.py experiments/reference/next3/eval [--method msse] [--out FILE]
"""
import argparse, sys
from pathlib import Path

import numpy as np
import pandas as pd

from msse_inpaint.reporting import paired_bootstrap, markdown_table

METRICS = {'psnr_hole': ('hole PSNR (dB)', 3), 'ssim_hole': ('hole SSIM', 4)}


def margins(per_image: pd.DataFrame, method: str = 'msse') -> str:
    "The Markdown tables: per metric, one row per (other method, bin) with the paired difference `method - other`."
    if method not in set(per_image['method']):
        raise ValueError(f'no method {method!r} in the run; it holds {", ".join(sorted(set(per_image["method"])))}')
    out = []
    for metric, (label, digits) in METRICS.items():
        wide = per_image.pivot_table(index=['pair', 'bin'], columns='method', values=metric).reset_index()
        rows = []
        for other in [m for m in wide.columns[2:] if m != method]:
            for b in ['all', *sorted(wide['bin'].unique())]:
                part = wide if b == 'all' else wide[wide['bin'] == b]
                d = (part[method] - part[other]).to_numpy(float)
                r = paired_bootstrap(d[None])
                rows.append([other, b, f"{r['mean']:+.{digits}f} [{r['ci_low']:+.{digits}f}, {r['ci_high']:+.{digits}f}]",
                             f'{np.mean(d > 0):.0%}', str(int(np.isfinite(d).sum()))])
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
    except ValueError as e: fail(e)
    if a.out: Path(a.out).write_text(text)
    else: print(text)


if __name__ == '__main__':
    main()
