"""No path of the machine that made a file travels inside the files the project ships (issue 26, item 7): results and
configurations, the thesis, the figures' HTML reports, the notebooks' outputs and the shipped checkpoints record paths
relative to the repository (the shared data as ../shared/data/...), with `~` for a home folder and `<tmp>` for the
temporary one (`msse_inpaint.core.portable`). Code and tests may name such paths; what they write may not."""
import json, re, subprocess
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
# the folders absolute paths of the machines seen here begin with (clones, data, homes, temporary folders), on Linux and macOS
MACHINE_PATH = re.compile(r'(?<![\w.:/~<>-])/(?:work|root|home|tmp|Users|mnt|scratch|private/var|var/folders)/[\w.<>-]')
SHIPPED_TEXT = ('.json', '.csv', '.md', '.txt', '.html', '.tex', '.yaml', '.yml')
NOT_SHIPPED = ('tests/', 'tools/', '.github/', '.ci/', 'Makefile', '.gitignore')   # code: it may name paths, it is not output


def tracked(*suffixes):
    out = subprocess.run(['git', 'ls-files'], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split('\n')
    return [f for f in out if f.endswith(suffixes) and not f.startswith(NOT_SHIPPED)]


def machine_paths(text: str) -> list[str]:
    here = str(ROOT)   # this clone, wherever it is
    return [text[max(0, m.start() - 40):m.end() + 40] for m in MACHINE_PATH.finditer(text)] + \
           [text[max(0, i - 40):i + len(here) + 40] for i in [m.start() for m in re.finditer(re.escape(here), text)]]


def test_the_pattern_finds_what_it_must():
    "The control: the check is not vacuous."
    assert machine_paths('data /work/shared/data/celebahq -> /tmp/e2e/plain') and machine_paths('"/root/.cache/x.pth"')
    assert machine_paths(f'saved to {ROOT}/runs')
    assert not machine_paths('data ../shared/data/celebahq, ~/.cache/x.pth, <tmp>/e2e, https://a.org/home/x, runs/tmp/x')


def test_shipped_text_files_hold_no_machine_path():
    bad = {f: hits[:2] for f in tracked(*SHIPPED_TEXT) if (hits := machine_paths((ROOT / f).read_text(errors='replace')))}
    assert not bad, f'machine paths in shipped files (write them with msse_inpaint.core.portable): {bad}'


def notebook_output_text(path: Path) -> str:
    "The text a reader sees in a notebook's outputs (pictures left out)."
    parts = []
    for cell in json.loads(path.read_text()).get('cells', []):
        for out in cell.get('outputs', []):
            parts.append(''.join(out.get('text', '')))
            for kind, value in out.get('data', {}).items():
                if kind.startswith('text/') or kind.endswith('json'): parts.append(''.join(value) if isinstance(value, list) else str(value))
            parts.append('\n'.join(out.get('traceback', [])))
    return '\n'.join(parts)


def test_notebook_outputs_hold_no_machine_path():
    bad = {f: hits[:2] for f in tracked('.ipynb') if (hits := machine_paths(notebook_output_text(ROOT / f)))}
    assert not bad, f'machine paths in notebook outputs: {bad}'


def test_shipped_checkpoints_hold_no_machine_path():
    weights = tracked('.pth')
    if not weights: pytest.skip('no checkpoint is tracked')
    for f in weights:
        ck = torch.load(ROOT / f, map_location='cpu', weights_only=True)
        record = json.dumps({k: v for k, v in ck.items() if k != 'model'}, default=str)
        assert not machine_paths(record), f'{f}: machine paths in its configuration or records: {machine_paths(record)[:2]}'
