"""Are a checkpoint's errors and biharmonic inpainting's errors the same errors? Scores, on fixed pairs, the model's composite,
scikit-image's biharmonic fill and their pixel-wise blends `w * model + (1 - w) * biharmonic` inside the hole, and prints the
paired margins of each against biharmonic per hole bin (msse_inpaint.evaluation.paired_margins: bootstrap 95 % interval over
pairs). A blend that beats both of its parts says the two fail in different places, so a design that gives the network the
classical fill to build on (not only the masked image) has room to gain. A diagnosis for the reference model (issue 23), not a
method: nothing here is trained.

    .venv/bin/python tools/classical_blend.py --checkpoint experiments/reference/next4/weights.pth \\
        --pairs experiments/reference/next4/eval_all_bins/pairs.csv --dataset celebahq --per_bin 33 \\
        --out experiments/reference/next4/classical_blend
"""
import argparse, json, sys
from pathlib import Path

import pandas as pd

from msse_inpaint.core import user_errors, portable, atomic_write_text
from msse_inpaint.evaluation import evaluate, model_method, baseline_biharmonic, paired_margins, bin_order
from msse_inpaint.reporting import markdown_table


def blend_methods(checkpoint: str, weights: list[float]):
    "One evaluate-method returning the model's composite, biharmonic's and each blend (the model's weight `w` in the name)."
    model = model_method(checkpoint)
    def fn(image, mask) -> dict:
        msse, classical = model(image, mask)['msse'].float().clamp(0, 1), baseline_biharmonic(image, mask).float()
        return {'msse': msse, 'biharmonic': classical, **{f'blend_{w:g}': w * msse + (1 - w) * classical for w in weights}}
    return fn


def chosen_pairs(pairs_csv: Path, dataset: str | None, per_bin: int | None) -> pd.DataFrame:
    "The pairs of `pairs_csv` whose image path holds `dataset`, the first `per_bin` of each bin (the CSV's own seeded order)."
    pairs = pd.read_csv(pairs_csv)
    missing = {'image_path', 'bin'} - set(pairs.columns)
    if missing: raise ValueError(f'{pairs_csv}: not a pairs CSV (no column {", ".join(sorted(missing))}); expected the pairs.csv of an msse_eval run')
    if dataset: pairs = pairs[pairs.image_path.astype(str).str.contains(dataset, regex=False)]
    if pairs.empty: raise ValueError(f'{pairs_csv}: no pair of dataset {dataset!r}')
    return pairs.groupby('bin', sort=False).head(per_bin) if per_bin else pairs


def report(per_image: pd.DataFrame) -> str:
    "Markdown: hole PSNR of every output per bin, then each output minus biharmonic, paired per bin."
    means = per_image.pivot_table(index='bin', columns='method', values='psnr_hole').reindex(bin_order(per_image.bin.unique()))
    outputs = [m for m in dict.fromkeys(per_image.method) if m != 'biharmonic']
    table = pd.concat([paired_margins(per_image, m, metrics=['psnr_hole'], others=['biharmonic']).assign(output=m) for m in outputs])
    rows = [[b] + [f'{means.loc[b, m]:.2f}' for m in ['biharmonic', *outputs]] for b in means.index]
    out = ['**Hole PSNR (dB), mean over pairs**', '', markdown_table(['bin', 'biharmonic', *outputs], rows), '',
           '**Each output minus biharmonic, hole PSNR (dB), paired (bootstrap 95 % interval over pairs)**', '', '']
    diff = []
    for b in ['all', *means.index]:
        r = table[table.bin == b].set_index('output')
        diff.append([b] + [f'{r.loc[m, "mean"]:+.2f} [{r.loc[m, "ci_low"]:+.2f}, {r.loc[m, "ci_high"]:+.2f}]' for m in outputs]
                    + [str(int(r['n_pairs'].iloc[0]))])
    return '\n'.join(out) + markdown_table(['bin', *outputs, 'pairs'], diff) + '\n'


def main(argv=None):
    p = argparse.ArgumentParser(prog='classical_blend', description=__doc__.split('\n\n')[0], allow_abbrev=False)
    p.add_argument('--checkpoint', required=True, help='checkpoint written by msse_train (or a kept stage\'s weights.pth)')
    p.add_argument('--pairs', required=True, help="an msse_eval run's pairs.csv")
    p.add_argument('--dataset', default=None, help='keep the pairs whose image path holds this text (e.g. celebahq)')
    p.add_argument('--per_bin', type=int, default=None, help='the first this many pairs of each bin (default: all)')
    p.add_argument('--weights', default='0.25,0.5,0.75', help="the model's weights w of the blends, comma-separated, each in (0, 1)")
    p.add_argument('--size', type=int, default=256, help='evaluation size (default 256, as msse_eval)')
    p.add_argument('--out', required=True, help='folder for per_image.csv, blend.md and run.json (refused if it holds a report)')
    p.add_argument('--overwrite', action='store_true', help='replace the report in --out (written anew only once the scoring is done)')
    a = p.parse_args(argv)
    with user_errors('classical_blend'):
        for name in ('checkpoint', 'pairs'):
            if not Path(getattr(a, name)).is_file(): raise ValueError(f'--{name} must be an existing file, got {getattr(a, name)!r}')
        try: weights = [float(w) for w in a.weights.split(',') if w.strip()]
        except ValueError: weights = []
        if not weights or not all(0 < w < 1 for w in weights): raise ValueError(f'--weights must be numbers in (0, 1), comma-separated, got {a.weights!r}')
        if a.per_bin is not None and a.per_bin < 1: raise ValueError(f'--per_bin must be a positive integer, got {a.per_bin}')
        out = Path(a.out)
        if out.is_file() or ((out / 'blend.md').exists() and not a.overwrite): raise ValueError(f'--out {out}: holds a report already (or is a file); choose another folder, or --overwrite')
        pairs = chosen_pairs(Path(a.pairs), a.dataset, a.per_bin)
        per_image = evaluate(blend_methods(a.checkpoint, weights), pairs, size=a.size, use_lpips=False, log_every=50)
        text = report(per_image)
        out.mkdir(parents=True, exist_ok=True)
        per_image.to_csv(out / 'per_image.csv', index=False)
        atomic_write_text(out / 'blend.md', text)
        atomic_write_text(out / 'run.json', json.dumps(portable(dict(checkpoint=a.checkpoint, pairs=a.pairs, dataset=a.dataset,
                                                                     per_bin=a.per_bin, weights=weights, size=a.size,
                                                                     n_pairs=int(per_image.pair.nunique()))), indent=1) + '\n')
    print(text)


if __name__ == '__main__':
    sys.exit(main())
