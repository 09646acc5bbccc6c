"""Chapters read as a book (issue 16, "anchor-sized cells"): every export cell holds one symbol or a small family, at most
`MAX_EXPORT_LINES` lines, and every public function or class it defines is used by a test or demonstration cell right after
it (before the next export cell), one that `nbdev_test` runs.  And `nbdev_test` writes nothing tracked: the thesis figures
are written only under `make figures` (`core.save_thesis_figure`, or a cell flagged `#| slow` that papermill runs).
Checked on the notebooks' text, without running them."""
import ast, configparser, json, re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_EXPORT_LINES = 60

# Chapters still being split by other branches of issue 16.  This list must be empty when issue 16 closes.
NOT_YET_SPLIT = set()

# Chapters whose test run still writes into figures/ (other branches of issue 16 move those writes to save_thesis_figure).
# This list must be empty when issue 16 closes.
STILL_WRITE_TRACKED = set()


def notebooks() -> list[Path]:
    return sorted(p for p in (ROOT / 'nbs').rglob('*.ipynb') if '.ipynb_checkpoints' not in p.parts)


def skip_flags() -> set[str]:
    cfg = configparser.ConfigParser(); cfg.read(ROOT / 'settings.ini')
    return set(cfg['DEFAULT'].get('tst_flags', '').split())


def directives(source: str) -> list[str]:
    "The leading `#|` lines of a cell, without the `#|` (`#| export` -> 'export')."
    out = []
    for line in source.splitlines():
        if not line.startswith('#|'): break
        out.append(line[2:].strip())
    return out


def is_export(source: str) -> bool:
    return any(re.match(r'export[is]?\b', d) for d in directives(source))


def runs_under_test(source: str, flags: set[str]) -> bool:
    "Whether `nbdev_test` executes this cell (not flagged with a tst_flag, not `eval: false`)."
    words = {w for d in directives(source) for w in d.replace(': ', ':').split()}
    return not (words & flags) and 'eval:false' not in words


def code_cells(path: Path) -> list[tuple[str, str]]:
    "(id, source) of every code cell of the notebook, in order."
    nb = json.loads(path.read_text(encoding='utf-8'))
    return [(c.get('id', f'#{i}'), ''.join(c['source'])) for i, c in enumerate(nb['cells']) if c['cell_type'] == 'code']


def _parse(source: str) -> ast.Module:
    "The cell as Python, with IPython magics and shell lines blanked out."
    lines = ['' if l.lstrip().startswith(('%', '!')) else l for l in source.splitlines()]
    return ast.parse('\n'.join(lines))


def _patched_class(node) -> str | None:
    "The class a fastcore `@patch` function adds itself to (the annotation of its first argument), else None."
    if not any(isinstance(d, ast.Name) and d.id == 'patch' or isinstance(d, ast.Call) and getattr(d.func, 'id', '') == 'patch'
               for d in node.decorator_list) or not node.args.args: return None
    ann = node.args.args[0].annotation
    return ann.id if isinstance(ann, ast.Name) else ann.value if isinstance(ann, ast.Constant) else None


def public_symbols(source: str) -> list[str]:
    """Public functions and classes defined at the top of a cell (a fastcore `@patch` method counts by its name; a patched
    `forward`, which a test uses by calling the module, by its class)."""
    out = []
    for n in _parse(source).body:
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or n.name.startswith('_'): continue
        cls = _patched_class(n) if not isinstance(n, ast.ClassDef) else None
        out.append(cls if cls and n.name == 'forward' else n.name)
    return out


def names_used(source: str) -> set[str]:
    "Every name and attribute a cell's code mentions (not its comments or strings)."
    used = set()
    for n in ast.walk(_parse(source)):
        if isinstance(n, ast.Name): used.add(n.id)
        elif isinstance(n, ast.Attribute): used.add(n.attr)
    return used


def first_symbol(source: str) -> str:
    body = [l for l in source.splitlines() if l.strip() and not l.startswith('#')]
    return body[0][:60] if body else '(empty)'


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def oversized_cells(path: Path) -> list[str]:
    return [f'{_rel(path)} cell {cid} ({first_symbol(src)!r}): {len(src.splitlines())} lines'
            for cid, src in code_cells(path) if is_export(src) and len(src.splitlines()) > MAX_EXPORT_LINES]


def untested_symbols(path: Path) -> list[str]:
    "Public symbols of each export cell that no test cell between it and the next export cell uses."
    cells, flags, problems = code_cells(path), skip_flags(), []
    for i, (cid, src) in enumerate(cells):
        if not is_export(src): continue
        used = set()
        for _, later in cells[i + 1:]:
            if is_export(later): break
            if runs_under_test(later, flags): used |= names_used(later)
        missing = [s for s in public_symbols(src) if s not in used]
        if missing: problems.append(f'{_rel(path)} cell {cid}: {", ".join(missing)} not used by a test cell before '
                                    'the next export cell')
    return problems


CHECKED = [p for p in notebooks() if p.stem not in NOT_YET_SPLIT]


@pytest.mark.parametrize('path', CHECKED, ids=lambda p: p.stem)
def test_export_cells_are_small(path):
    problems = oversized_cells(path)
    assert not problems, f'export cells over {MAX_EXPORT_LINES} lines (split them: one symbol or family per cell):\n' + '\n'.join(problems)


@pytest.mark.parametrize('path', CHECKED, ids=lambda p: p.stem)
def test_every_symbol_is_tested_right_after(path):
    problems = untested_symbols(path)
    assert not problems, 'add a tiny test after each symbol:\n' + '\n'.join(problems)


def test_not_yet_split_names_real_notebooks():
    "A stale entry (renamed or already split chapter) is removed from the allow-list, so the list can shrink to empty."
    stems = {p.stem for p in notebooks()}
    assert NOT_YET_SPLIT <= stems, f'not notebooks: {sorted(NOT_YET_SPLIT - stems)}'
    passing = sorted(s for s in NOT_YET_SPLIT if not oversized_cells(ROOT / 'nbs' / f'{s}.ipynb')
                     and not untested_symbols(ROOT / 'nbs' / f'{s}.ipynb'))
    assert not passing, f'these chapters pass now: remove them from NOT_YET_SPLIT: {passing}'


def test_checks_catch_problems(tmp_path):
    "The checks fail on a notebook with a long export cell and an untested symbol, and pass once it is fixed."
    long_cell = '#| export\ndef big():\n' + '    x = 1\n' * 60 + '    return x'
    cells = [long_cell, 'big()', '#| export\ndef small(): return 1\nclass _Hidden: pass', '#| slow\nassert small() == 1']
    assert is_export(cells[0]) and is_export('#|exporti\nx = 1') and not is_export('#| hide\nx = 1')
    assert public_symbols(cells[2]) == ['small']
    assert public_symbols('@patch\ndef forward(self: Net, x): return x\n@patch\ndef grow(self: Net): pass') == ['Net', 'grow']
    assert names_used('# small()\nprint("small")') == {'print'}  # comments and strings are not uses
    nb = {'cells': [{'cell_type': 'code', 'id': f'c{i}', 'metadata': {}, 'outputs': [], 'execution_count': None, 'source': s}
                    for i, s in enumerate(cells)], 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}
    p = tmp_path / 'x.ipynb'
    p.write_text(json.dumps(nb))
    assert len(oversized_cells(p)) == 1 and "'def big():'" in oversized_cells(p)[0]
    assert untested_symbols(p) == ['x.ipynb cell c2: small not used by a test cell before the next export cell']  # the test is #| slow
    nb['cells'][3]['source'] = 'assert small() == 1'
    p.write_text(json.dumps(nb))
    assert untested_symbols(p) == []


# A write call, and a destination inside the repository's tracked folders, on one line.
WRITE_CALL = re.compile(r'\b(savefig|save_figure|atomic_write\w*|atomic_torch_save|save_image|write_text|write_bytes|to_csv|imwrite|'
                        r'torch\.save)\s*\(')
TRACKED_DESTINATION = re.compile(r'figures_dir\(\)|repo_root\(\)|[\'"]\.\./(figures|thesis|results|msse_inpaint)\b')   # nbdev_test runs in nbs/
# Library functions that write into figures/ when called without a folder.
WRITES_FIGURES_BY_DEFAULT = re.compile(r'\b(save_mask_figures\(|write_budget_table\([^,()]*\))')
# A cell that points figures_dir() at a temporary folder (`mock.patch(f'{__name__}.figures_dir', ...)`, as 00_core's test of
# save_thesis_figure does) may call those: it writes nothing tracked.
FIGURES_DIR_PATCHED = re.compile(r'''mock\.patch\([^)]*\.figures_dir['"]''')


def tracked_writes(path: Path) -> list[str]:
    "Lines of the cells `nbdev_test` runs (export cells only define functions) that write into the repository's tracked folders."
    flags, found = skip_flags(), []
    for cid, src in code_cells(path):
        if is_export(src) or not runs_under_test(src, flags): continue
        redirected = bool(FIGURES_DIR_PATCHED.search(src))
        for line in src.splitlines():
            code = line.split('#', 1)[0]
            if WRITE_CALL.search(code) and TRACKED_DESTINATION.search(code) or WRITES_FIGURES_BY_DEFAULT.search(code) and not redirected:
                found.append(f'{_rel(path)} cell {cid}: {line.strip()}')
    return found


@pytest.mark.parametrize('path', [p for p in notebooks() if p.stem not in STILL_WRITE_TRACKED], ids=lambda p: p.stem)
def test_test_runs_write_nothing_tracked(path):
    found = tracked_writes(path)
    assert not found, ('nbdev_test would write tracked files; save thesis figures with core.save_thesis_figure (written only under '
                       '`make figures`) or write into a temporary folder:\n' + '\n'.join(found))


def test_still_write_tracked_is_current():
    "Each entry of STILL_WRITE_TRACKED still writes (remove it once fixed); every notebook is scanned, experiments included."
    stems = {p.stem for p in notebooks()}
    assert {'experiment', 'index'} <= stems
    assert STILL_WRITE_TRACKED <= stems
    fixed = sorted(s for s in STILL_WRITE_TRACKED if not tracked_writes(ROOT / 'nbs' / f'{s}.ipynb'))
    assert not fixed, f'these chapters write nothing tracked now: remove them from STILL_WRITE_TRACKED: {fixed}'


def test_tracked_writes_are_found(tmp_path):
    cells = ["fig.savefig(figures_dir() / 'a.png', dpi=100)", "#| slow\nsave_figure(fig, figures_dir() / 'b.png')",
             "save_thesis_figure(fig, 'c.png')", "atomic_write_text(Path(tmp) / 'x.csv', 'ok')  # not figures_dir()",
             "table = write_budget_table(256)", "write_budget_table(64, tmp)", "(Path(tmp) / 'figures/plot.txt').write_text('v2')", "save_image(x, '../figures/y.png')", "#| export\ndef f(): atomic_write_text(repo_root() / 'x', '')",
             "with mock.patch(f'{__name__}.figures_dir', lambda: Path(tmp)):\n    paths = save_mask_figures(['rect'], n=16)",
             "paths = save_mask_figures(['rect'], n=16)"]
    nb = {'cells': [{'cell_type': 'code', 'id': f'c{i}', 'metadata': {}, 'outputs': [], 'execution_count': None, 'source': s}
                    for i, s in enumerate(cells)], 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}
    (p := tmp_path / 'x.ipynb').write_text(json.dumps(nb))
    test = [line.split(':')[0] for line in tracked_writes(p)]
    assert test == ['x.ipynb cell c0', 'x.ipynb cell c4', 'x.ipynb cell c7', 'x.ipynb cell c10'], tracked_writes(p)


def figure_chapters() -> set[str]:
    "The chapters `make figures` executes (tools/make_figures.py's CHAPTERS)."
    tree = ast.parse((ROOT / 'tools' / 'make_figures.py').read_text())
    value = next(n.value for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], 'id', '') == 'CHAPTERS')
    return {Path(rel).stem for rel in ast.literal_eval(value)}


def writes_thesis_figures(path: Path) -> bool:
    "Whether a chapter saves thesis figures the guarded way: `save_thesis_figure`, or a write into figures/ in a skipped cell."
    flags, cells = skip_flags(), code_cells(path)
    if any(is_export(src) and 'def save_thesis_figure' in src for _, src in cells): return False   # 00_core tests it into a temporary folder
    for _, src in cells:
        if is_export(src): continue
        if 'save_thesis_figure(' in src: return True
        if not runs_under_test(src, flags) and any(WRITE_CALL.search(l) and TRACKED_DESTINATION.search(l) or
                                                    WRITES_FIGURES_BY_DEFAULT.search(l) for l in src.splitlines()): return True
    return False


def test_make_figures_runs_every_chapter_that_draws_thesis_figures():
    "A figure saved only under `make figures` must come from a chapter `make figures` runs, or it is never written."
    drawing = {p.stem for p in notebooks() if writes_thesis_figures(p)}
    assert {'01_data', '02_masks'} <= drawing
    assert drawing <= figure_chapters(), f'add to CHAPTERS in tools/make_figures.py: {sorted(drawing - figure_chapters())}'
    assert "os.environ['MSSE_WRITE_FIGURES'] = '1'" in (ROOT / 'tools' / 'make_figures.py').read_text()
