"""Fail when the committed library differs from what `nbdev_export` builds from `nbs/`,
or when a notebook changes under `nbdev_clean` (it was not cleaned before committing).

Run from the repository root (`make check-sync`).  Both tools are run for real; the
comparison is of file contents before and after, so uncommitted work is judged as it is.
"""
import hashlib, json, subprocess, sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]
bin_dir = Path(sys.executable).parent


def snapshot(folder: Path, pattern: str) -> dict:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob(pattern)) if '.ipynb_checkpoints' not in p.parts}


def changed(before: dict, after: dict) -> list:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def run(tool: str) -> None:
    subprocess.run([str(bin_dir / tool)], cwd=root, check=True)


problems = []
lib_before = snapshot(root / 'msse_inpaint', '*.py')
run('nbdev_export')
if diff := changed(lib_before, snapshot(root / 'msse_inpaint', '*.py')):
    problems.append('nbdev_export changed the library (edit the notebooks, then export and commit):\n  '
                    + '\n  '.join(diff))

nbs_before = snapshot(root / 'nbs', '*.ipynb')
run('nbdev_clean')
if diff := changed(nbs_before, snapshot(root / 'nbs', '*.ipynb')):
    problems.append('nbdev_clean changed these notebooks (run nbdev_clean and commit):\n  ' + '\n  '.join(diff))

# nbdev_export never deletes a module: one that no notebook exports any more would linger in the package unnoticed.
exported = set()
for nb_path in sorted((root / 'nbs').rglob('*.ipynb')):
    for c in json.loads(nb_path.read_text())['cells']:
        src = ''.join(c['source']) if c['cell_type'] == 'code' else ''
        for line in src.splitlines():
            if line.strip().startswith('#| default_exp'): exported.add(line.split()[-1].replace('.', '/') + '.py')
stale = sorted(p.relative_to(root / 'msse_inpaint').as_posix() for p in (root / 'msse_inpaint').rglob('*.py')
               if p.name not in ('__init__.py', '_modidx.py') and p.relative_to(root / 'msse_inpaint').as_posix() not in exported)
if stale:
    problems.append('modules no notebook exports (delete them or restore their notebook):\n  ' + '\n  '.join(stale))

# papermill finds its parameters through the cell tag; cleaning must not have removed it.
for nb_path in sorted((root / 'nbs' / 'experiments').glob('*.ipynb')):
    cells = json.loads(nb_path.read_text())['cells']
    if not any('parameters' in c.get('metadata', {}).get('tags', []) for c in cells):
        problems.append(f'{nb_path.relative_to(root)} has no cell tagged "parameters" (papermill needs one)')

if problems:
    print('\n\n'.join(problems))
    sys.exit(1)
print('library in sync with nbs/, notebooks clean')
