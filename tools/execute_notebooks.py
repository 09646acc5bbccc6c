"""Execute the chapters and save their outputs in place, so a reader sees every picture, table and number without running
anything (`make notebooks`).  Cells flagged with one of settings.ini's `tst_flags` (slow, cuda, notest) are skipped, as
`nbdev_test` skips them; then `nbdev_clean` normalises the files (outputs kept, execution counts and metadata removed).

    .venv/bin/python tools/execute_notebooks.py [NOTEBOOK ...]   # default: every notebook under nbs/
"""
import configparser, os, re, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

root = Path(__file__).resolve().parents[1]


def skip_flags() -> set[str]:
    cfg = configparser.ConfigParser(); cfg.read(root / 'settings.ini')
    return set(cfg['DEFAULT'].get('tst_flags', '').split())


def directives(source: str) -> set[str]:
    "The words of a cell's leading `#|` lines (`#| slow` -> {'slow'}; `#| eval: false` -> {'eval:false'})."
    words = set()
    for line in source.splitlines():
        if not line.startswith('#|'): break
        text = line[2:].strip().replace(': ', ':')
        words.update(text.split())
    return words


# A folder made by tempfile (mkdtemp / TemporaryDirectory): 'tmp' or a prefix ending in '_', then 8 random characters.
# Printed as it is or as msse_inpaint.core.portable writes it (`<tmp>/...`).
TEMP_FOLDER = re.compile('(?:' + re.escape(tempfile.gettempdir()) + '|<tmp>)' + r"""/((?:[A-Za-z0-9.-]+_)+|tmp)[a-z0-9_]{8}(?=[/\s'",:;)\]]|$)""")   # no extension


def stable_paths(text: str) -> str:
    "`/tmp/msse_training_eujrm9xt/cli` -> `$TMPDIR/msse_training_XXXXXXXX/cli`: a printed temporary folder reads the same every run."
    return TEMP_FOLDER.sub(lambda m: f'$TMPDIR/{m.group(1)}XXXXXXXX', text)


def stabilise_outputs(nb) -> None:
    "Printed text and tracebacks of every code cell through `stable_paths`, so re-executing a chapter changes no line needlessly."
    def stable(text):   # kept in the notebook format's list-of-lines form
        return stable_paths(''.join(text) if isinstance(text, list) else text).splitlines(keepends=True)
    for cell in nb.cells:
        for out in cell.get('outputs', []):
            if 'text' in out: out['text'] = stable(out['text'])
            if out.get('data', {}).get('text/plain') is not None: out['data']['text/plain'] = stable(out['data']['text/plain'])


def execute(path: str) -> tuple[str, float, str]:
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    path, flags, t0 = Path(path), skip_flags(), time.time()
    nb = read_nb(path)
    def no_eval(cell):
        if cell.cell_type != 'code': return True
        d = directives(cell.source)
        return bool(flags & d) or 'eval:false' in d
    for cell in nb.cells:   # execnb only replaces the outputs of a cell that prints: clear them all so none is left stale
        if cell.cell_type == 'code': cell.outputs = []
    shell = CaptureShell(path)
    cwd = os.getcwd()
    try:
        os.chdir(path.parent)
        shell.run_all(nb, exc_stop=True, preproc=no_eval)
    except Exception:
        return str(path), time.time() - t0, shell.prettytb(fname=path)
    finally: os.chdir(cwd)
    stabilise_outputs(nb)
    write_nb(nb, path)
    return str(path), time.time() - t0, ''


def run_one(path: str) -> tuple[str, float, str]:
    "`execute` in a fresh interpreter (IPython takes over the process's __main__, so each notebook gets its own)."
    t0 = time.time()
    r = subprocess.run([sys.executable, __file__, '--one', path], capture_output=True, text=True)
    return path, time.time() - t0, '' if r.returncode == 0 else (r.stderr or r.stdout)[-4000:]


def main(argv):
    if argv[:1] == ['--one']:
        _, _, error = execute(argv[1])
        if error: sys.exit(error)
        return
    paths = argv or sorted(str(p) for p in (root / 'nbs').rglob('*.ipynb') if '.ipynb_checkpoints' not in p.parts)
    failed = []
    with ThreadPoolExecutor(max_workers=int(os.environ.get('NB_WORKERS', '2'))) as pool:
        for path, seconds, error in pool.map(run_one, paths):
            print(f'{Path(path).resolve().relative_to(root)}: {"FAILED" if error else "ok"} ({seconds:.0f} s)', flush=True)
            if error: failed.append(path); print(error, file=sys.stderr)
    subprocess.run([str(Path(sys.executable).parent / 'nbdev_clean')], cwd=root, check=True)
    size = sum(p.stat().st_size for p in (root / 'nbs').rglob('*.ipynb'))
    print(f'nbs/ holds {size / 2**20:.1f} MB of notebooks')
    if failed: sys.exit(f'{len(failed)} notebook(s) failed; their files were left as they were')


if __name__ == '__main__': main(sys.argv[1:])
