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
import configparser, contextlib, importlib, io, os, re, sys
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
    typed = action.option_strings[0] if action.option_strings else option
    assert re.search(rf'(^|[\s\'"(]){re.escape(typed)}(?![\w-])', lines[0]), f'{name} {argv}: the message does not name {typed} as typed: {lines[0]}'
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


# Every other message that tells the user what to do, followed as a user would: the advice is read from the one-line error
# (not known to the test in advance), added to the same command, and the command must then run (exit status 0). Paths
# the message names must exist.
TINY_TRAIN = ['--config', 'debug', '--image_size', '32', '--base_channels', '8', '--batch_size', '4', '--train_subset', '8',
              '--val_subset', '4', '--epochs', '1', '--device', 'cpu', '--quiet']


def _advice(err: str, pattern: str) -> list[str]:
    "The command-line words a one-line error recommends (the first group of `pattern`), split as a shell would."
    import re, shlex
    assert 'Traceback' not in err, err
    line = err.strip().splitlines()[-1]   # progress lines may come first; the error is one line, the last
    assert ': error: ' in line, err
    m = re.search(pattern, line)
    assert m, f'no advice matching {pattern!r} in: {err}'
    return shlex.split(m.group(1))


def _train(tmp_path, args):
    from msse_inpaint.training import msse_train
    return run_in(tmp_path, lambda: msse_train([str(a) for a in args]))


def test_msse_train_advice_works_when_followed(tmp_path):
    "msse_train's advice (--overwrite, a larger --epochs, --init_weights for weights only), each followed, runs."
    from msse_inpaint.checkpoint import export_checkpoint
    run = tmp_path / 'run'
    assert _train(tmp_path, TINY_TRAIN + ['--save_dir', run])[0] == 0
    code, err = _train(tmp_path, TINY_TRAIN + ['--save_dir', run])        # the same folder again
    assert code == 2
    resume = _advice(err, r'\((--resume \S+)\)')
    assert Path(resume[1]).is_file(), f'the advice names {resume[1]}, which does not exist'
    code, err2 = _train(tmp_path, TINY_TRAIN + ['--save_dir', run] + _advice(err, r'\((--overwrite)\)'))
    assert code == 0, err2[-600:]
    last = run / 'checkpoints' / 'last.pth'
    code, err = _train(tmp_path, ['--resume', last, '--quiet'])           # finished: 1 of 1 epochs
    assert code == 2
    option = _advice(err, r'\((--epochs)\)')
    code, err2 = _train(tmp_path, ['--resume', last, '--quiet'] + option + ['2'])
    assert code == 0, err2[-600:]
    weights = export_checkpoint(last, tmp_path / 'weights.pth')               # weights only: not resumable
    code, err = _train(tmp_path, ['--resume', weights, '--quiet'])
    advice = _advice(err, r'\((--init_weights \S+)\)')
    assert Path(advice[1]).is_file(), f'the advice names {advice[1]}, which does not exist'
    code, err2 = _train(tmp_path, TINY_TRAIN + ['--save_dir', tmp_path / 'from_weights'] + advice)
    assert code == 0, err2[-600:]


def test_msse_eval_advice_works_when_followed(tmp_path):
    "msse_eval: a rerun into a finished folder (--overwrite) and an --include of other pairs (--pairs), each followed, run."
    eval_ = lambda args: run_in(tmp_path, lambda: run_console_script(SCRIPTS['msse_eval'], [str(a) for a in args], 'msse_eval'))
    base = ['--baselines', 'telea', '--size', '64', '--grid', '0']
    first = tmp_path / 'first'
    assert eval_(base + ['--max_images', '2', '--out', first])[0] == 0
    code, err = eval_(base + ['--max_images', '2', '--out', first])
    assert code == 2
    code, err2 = eval_(base + ['--max_images', '2', '--out', first] + _advice(err, r'\((--overwrite)\)'))
    assert code == 0, err2[-600:]
    other = base + ['--out', tmp_path / 'second', '--include', first]
    code, err = eval_(other + ['--max_images', '3'])   # 3 images: other pairs than the included run's
    assert code == 2
    advice = _advice(err, r'\((--pairs \S+)\)')
    assert Path(advice[1]).is_file(), f'the advice names {advice[1]}, which does not exist'
    code, err2 = eval_(other + advice)   # the pairs file now says which images
    assert code == 0, err2[-600:]


def test_msse_test_and_msse_ablate_advice_works_when_followed(tmp_path):
    "msse_test's mask of another size (--fit_mask) and msse_ablate's executor options without an executor (--executor local)."
    import numpy as np
    from PIL import Image
    Image.fromarray(np.full((64, 64, 3), 128, np.uint8)).save(tmp_path / 'img.png')
    m = np.zeros((32, 32), np.uint8); m[8:16, 8:16] = 255; Image.fromarray(m).save(tmp_path / 'mask.png')
    args = ['--image_path', str(tmp_path / 'img.png'), '--mask_path', str(tmp_path / 'mask.png'), '--save_dir', str(tmp_path / 'out'), '--device', 'cpu']
    code, err = run_in(tmp_path, lambda: run_console_script(SCRIPTS['msse_test'], args, 'msse_test'))
    assert code == 2
    code, err2 = run_in(tmp_path, lambda: run_console_script(SCRIPTS['msse_test'], args + _advice(err, r'msse_test (--fit_mask)'), 'msse_test'))
    assert code == 0 and (tmp_path / 'out' / 'img_inpainted.png').is_file(), err2[-600:]
    grid = POSITIONALS['msse_ablate'] + ['--dry_run', '--out', str(tmp_path / 'sweep')]
    code, err = run_in(tmp_path, lambda: run_console_script(SCRIPTS['msse_ablate'], grid + ['--executor_opt', 'timeout_min=5'], 'msse_ablate'))
    assert code == 2
    advice = _advice(err, r'add (--executor local) or')
    code, err2 = run_in(tmp_path, lambda: run_console_script(SCRIPTS['msse_ablate'], grid + ['--executor_opt', 'timeout_min=5'] + advice, 'msse_ablate'))
    assert code == 0, err2[-600:]
