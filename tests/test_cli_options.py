"""Every option of every console script, read from the parsers themselves, fed a bad value of its kind.

The console scripts are those settings.ini declares. Each one made with `msse_inpaint.cli.console_script` declares a
`Check` per option (`option_checks`); an option without one fails here, so a new option is covered without a new test.
For each bad value a check names (a count of 0, a size of 7, a missing file, an existing file where a folder is wanted,
a word outside a set of choices, a value argparse cannot convert), the tool is run in-process exactly as its console entry
point runs it, in an empty working directory, and must: exit with status 2, print one line `prog: error: ...` that names
the option, and leave the working directory as empty as it was (nothing written before the check). msse_train's options
are generated from `Config` (chapter 30); they are walked the same way with a bad value of each option's type.
Prefixes are refused everywhere (`--epoch` is not `--epochs`).
"""
import configparser, contextlib, importlib, io, os, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault('MPLBACKEND', 'Agg')

from msse_inpaint.cli import command_parser, run_console_script, MISSING_PATH, EXISTING_FILE   # noqa: E402


def console_scripts() -> dict:
    cfg = configparser.ConfigParser(); cfg.read(ROOT / 'settings.ini')
    out = {}
    for line in cfg['DEFAULT']['console_scripts'].split('\n'):
        if '=' not in line: continue
        name, target = (s.strip() for s in line.split('=', 1))
        module, func = target.split(':')
        out[name] = getattr(importlib.import_module(module), func)
    return out


SCRIPTS = console_scripts()
CHECKED = {k: v for k, v in SCRIPTS.items() if k != 'msse_train'}
POSITIONALS = {'msse_ablate': [str(ROOT / 'experiments' / 'ablation_debug.yaml')]}   # the arguments a run needs besides options
SKIP = ('help', 'pdb', 'xtra')


def options_of(parser):
    return [a for a in parser._actions if a.dest not in SKIP]


def concrete(value: str, tmp: Path) -> str:
    "The walker's placeholders made real paths inside `tmp` (which is otherwise left untouched)."
    return value.replace(MISSING_PATH, str(tmp / 'missing' / 'nothing')).replace(EXISTING_FILE, str(tmp / 'a_file.txt'))


def run_in(tmp: Path, fn):
    "Run `fn()` with `tmp` as working directory; (exit status, stderr)."
    err, cwd = io.StringIO(), os.getcwd()
    os.chdir(tmp)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try: fn(); code = 0
            except SystemExit as e: code = e.code
    finally: os.chdir(cwd)
    return code, err.getvalue()


def test_every_console_script_is_walked():
    assert set(SCRIPTS) >= {'msse_train', 'msse_test', 'msse_eval', 'msse_bench', 'msse_ablate', 'msse_knockout'}
    for name, script in CHECKED.items():
        assert hasattr(script, 'option_checks'), f'{name} is not a msse_inpaint.cli.console_script: its options are not declared'
        parser = command_parser(script, name)
        assert parser.allow_abbrev is False, name
        undeclared = [a.dest for a in options_of(parser) if a.dest not in script.option_checks]
        assert not undeclared, f'{name}: no Check declared for {undeclared}'


def _cases():
    for name, script in CHECKED.items():
        for action in options_of(command_parser(script, name)):
            for bad in script.option_checks[action.dest].bad:
                yield pytest.param(name, action.dest, bad, id=f'{name}--{action.dest}={bad}')


@pytest.mark.parametrize('name,option,bad', list(_cases()))
def test_bad_value_is_one_line_and_writes_nothing(tmp_path, name, option, bad):
    script = SCRIPTS[name]
    (tmp_path / 'a_file.txt').write_text('not what the option wants')
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob('*'))
    action = next(a for a in options_of(command_parser(script, name)) if a.dest == option)
    value = concrete(bad, tmp_path)
    positionals = list(POSITIONALS.get(name, []))
    if action.option_strings: argv = positionals + [action.option_strings[0], value]
    else: argv = [value] + positionals[1:]
    code, err = run_in(tmp_path, lambda: run_console_script(script, argv, name))
    lines = err.strip().splitlines()
    assert code == 2, f'{name} {argv}: exit status {code}, stderr {err[-800:]!r}'
    assert len(lines) == 1 and lines[0].startswith(f'{name}: error: '), f'{name} {argv}: not one line:\n{err}'
    assert option in lines[0], f'{name} {argv}: the message does not name {option}: {lines[0]}'
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob('*')) == before, f'{name} {argv} wrote into the working directory'


@pytest.mark.parametrize('name', sorted(SCRIPTS))
def test_no_prefixes(tmp_path, name):
    "An option abbreviated by a prefix is an error, never the option it starts."
    script = SCRIPTS[name]
    if name == 'msse_train':
        from msse_inpaint.training import msse_train
        code, err = run_in(tmp_path, lambda: msse_train(['--epoch', '1', '--save_dir', str(tmp_path / 'run')]))
    else:
        longest = max((a for a in options_of(command_parser(script, name)) if a.option_strings), key=lambda a: len(a.option_strings[0]))
        code, err = run_in(tmp_path, lambda: run_console_script(script, POSITIONALS.get(name, []) + [longest.option_strings[0][:-1], '1'], name))
    assert code == 2 and 'unrecognized arguments' in err and err.count('\n') == 1, err
    assert not (tmp_path / 'run').exists()


def _train_cases():
    from msse_inpaint.training import train_parser
    for action in train_parser()._actions:
        if action.dest == 'help' or not action.option_strings or action.nargs == 0: continue
        kind = action.type
        bads = (['x', '-1'] if kind in (int, float) else ['nonsense'] if action.choices or kind is str else [])
        for bad in bads: yield pytest.param(action.option_strings[0], bad, id=f'msse_train{action.option_strings[0]}={bad}')


# Options of msse_train whose values are not checked by kind here: free text, paths checked when read, JSON.
TRAIN_FREE = {'--config', '--resume', '--init_weights', '--save_dir', '--train_root', '--val_root', '--mask_root', '--device',
              '--attention_geometry', '--preset'}


@pytest.mark.parametrize('option,bad', list(_train_cases()))
def test_msse_train_bad_values(tmp_path, option, bad):
    from msse_inpaint.training import msse_train
    if option in TRAIN_FREE and bad == 'nonsense': pytest.skip(f'{option} takes free text (a path or JSON), checked when read')
    base = ['--config', 'debug', '--epochs', '1', '--train_subset', '8', '--val_subset', '2', '--image_size', '32',
            '--base_channels', '8', '--save_dir', str(tmp_path / 'run'), '--quiet']
    code, err = run_in(tmp_path, lambda: msse_train(base + [option, bad]))
    lines = err.strip().splitlines()
    assert code == 2, f'msse_train {option} {bad}: exit status {code}; {err[-600:]}'
    assert len(lines) == 1 and lines[0].startswith('msse_train: error: ') and option in lines[0], err
    assert not (tmp_path / 'run').exists(), f'msse_train {option} {bad} created the run folder'


def _inverted_masks(folder: Path, n: int = 2):
    "Mask files stored with white = known: read as white = hole, 98 % of each is hole."
    import numpy as np
    from PIL import Image
    folder.mkdir(parents=True)
    for i in range(n):
        m = np.full((64, 64), 255, np.uint8); m[28:36, 20 + i:28 + i] = 0
        Image.fromarray(m).save(folder / f'm{i}.png')


@pytest.mark.parametrize('advice', ['polarity', 'max_hole'])
def test_advice_of_msse_eval_works_when_followed(tmp_path, advice):
    "msse_eval's inverted-mask error recommends options; each, copied from the message and added to the command, is accepted and runs."
    import re
    masks = tmp_path / 'masks'; _inverted_masks(masks)
    base = ['--masks', str(masks), '--baselines', 'telea', '--max_images', '2', '--size', '64', '--grid', '0', '--out', str(tmp_path / 'out')]
    code, err = run_in(tmp_path, lambda: run_console_script(SCRIPTS['msse_eval'], base, 'msse_eval'))
    assert code == 2 and 'looks inverted' in err, err
    polarity, max_hole = re.search(r'use (--hole_is \w+);', err), re.search(r'use (--max_hole [\d.]+)\.', err)
    assert polarity and max_hole, err
    chosen = (polarity if advice == 'polarity' else max_hole).group(1).split()
    code, err = run_in(tmp_path, lambda: run_console_script(SCRIPTS['msse_eval'], base + chosen, 'msse_eval'))
    assert code == 0, f'{chosen} was recommended but does not work: {err[-800:]}'
    assert (tmp_path / 'out' / 'per_image.csv').is_file()
