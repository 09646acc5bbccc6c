"""Every figure and table the thesis includes exists (after `make figures`), and the thesis builds when LaTeX is installed.

The thesis pulls its results from generated files: figures from figures/ (via \\graphicspath) and tables and text fragments
from thesis/tables/.  Includes guarded by \\IfFileExists{guard}{then}{else} (the CelebA-HQ sweep, which `make figures`
does not run by default) are followed on the branch LaTeX would take.
"""
import re, shutil, subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
THESIS = ROOT / 'thesis'
GRAPHIC_EXTS = ('', '.png', '.pdf', '.jpg', '.jpeg', '.eps')


def strip_comments(tex: str) -> str:
    "Remove % comments (not \\%)."
    return re.sub(r'(?<!\\)%.*', '', tex)


def braced(tex: str, start: int) -> tuple[str, int]:
    "The content of the {...} group starting at or after `start` (skipping whitespace), and the index after it."
    i = start
    while i < len(tex) and tex[i].isspace(): i += 1
    if i >= len(tex) or tex[i] != '{': raise ValueError(f'expected {{ at {i}: {tex[i:i + 40]!r}')
    depth, j = 0, i
    while j < len(tex):
        if tex[j] == '{' and tex[j - 1] != '\\': depth += 1
        elif tex[j] == '}' and tex[j - 1] != '\\':
            depth -= 1
            if depth == 0: return tex[i + 1:j], j + 1
        j += 1
    raise ValueError(f'unbalanced braces from {i}: {tex[i:i + 60]!r}')


def graphics_paths(tex: str, base: Path) -> list[Path]:
    m = re.search(r'\\graphicspath\s*\{', tex)
    if not m: return [base]
    inner, _ = braced(tex, m.end() - 1)
    return [base] + [(base / p).resolve() for p in re.findall(r'\{([^{}]*)\}', inner)]


def references(tex_file: Path, base: Path, gpaths: list[Path], seen=None) -> list[tuple[str, Path, bool]]:
    """(kind, path, exists) for every \\input and \\includegraphics reachable from `tex_file`, following \\IfFileExists
    branches the way LaTeX would and recursing into \\input files that exist."""
    seen = set() if seen is None else seen
    if tex_file in seen: return []
    seen.add(tex_file)
    return scan(strip_comments(tex_file.read_text(encoding='utf-8')), base, gpaths, seen)


def resolve_input(name: str, base: Path) -> Path:
    p = base / name
    return p if p.suffix == '.tex' else p.with_name(p.name + '.tex')


def resolve_graphic(name: str, gpaths: list[Path]) -> tuple[Path, bool]:
    for folder in gpaths:
        for ext in GRAPHIC_EXTS:
            if (folder / (name + ext)).is_file(): return folder / (name + ext), True
    return gpaths[-1] / name, False


def scan(tex: str, base: Path, gpaths: list[Path], seen: set) -> list:
    out, i = [], 0
    pattern = re.compile(r'\\(IfFileExists|InputIfFileExists|input|include|includegraphics)\b\s*(\[[^\]]*\])?')
    while (m := pattern.search(tex, i)):
        cmd, i = m.group(1), m.end()
        if cmd in ('IfFileExists', 'InputIfFileExists'):
            guard, i = braced(tex, i)
            then, i = braced(tex, i)
            other, i = braced(tex, i)
            exists = resolve_input(guard, base).is_file() or (base / guard).is_file()
            if cmd == 'InputIfFileExists' and exists:
                out.append(('input', resolve_input(guard, base), True))
                out += references(resolve_input(guard, base), base, gpaths, seen)
            out += scan(then if exists else other, base, gpaths, seen)
            continue
        if tex[i:i + 1].isspace() or tex[i:i + 1] == '{':
            try: name, i = braced(tex, i)
            except ValueError: continue
        else: continue
        if cmd == 'includegraphics':
            path, ok = resolve_graphic(name.strip(), gpaths)
            out.append(('graphic', path, ok))
        else:
            path = resolve_input(name.strip(), base)
            out.append(('input', path, path.is_file()))
            if path.is_file(): out += references(path, base, gpaths, seen)
    return out


def thesis_references() -> list:
    main = THESIS / 'thesis.tex'
    return references(main, THESIS, graphics_paths(strip_comments(main.read_text()), THESIS))


def test_parser_follows_guards_and_inputs(tmp_path):
    (tmp_path / 'figs').mkdir()
    (tmp_path / 'figs' / 'a.png').write_bytes(b'png')
    (tmp_path / 'part.tex').write_text('\\includegraphics[width=1cm]{b.png} % \\input{commented}\n')
    (tmp_path / 'main.tex').write_text(
        '\\graphicspath{{figs/}}\n\\input{part}\n\\includegraphics{a}\n'
        '\\IfFileExists{absent.tex}{\\input{never}}{\\includegraphics{a.png}}\n'
        '\\IfFileExists{part.tex}{\\input{missing_chapter}}{\\input{never}}\n')
    refs = references(tmp_path / 'main.tex', tmp_path, graphics_paths((tmp_path / 'main.tex').read_text(), tmp_path))
    found = {(k, p.name, ok) for k, p, ok in refs}
    assert ('input', 'part.tex', True) in found
    assert ('graphic', 'b.png', False) in found          # included by part.tex, absent
    assert ('graphic', 'a.png', True) in found
    assert ('input', 'missing_chapter.tex', False) in found
    assert not any(p.name.startswith('never') or p.name.startswith('commented') for _, p, _ in refs)


def test_every_figure_and_table_exists():
    refs = thesis_references()
    assert any(k == 'graphic' for k, _, _ in refs), 'the thesis includes no figure at all'
    assert any(p.name.startswith('ablation_debug_section') for _, p, _ in refs), 'the results chapter does not include the debug sweep'
    missing = sorted({str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p) for k, p, ok in refs if not ok})
    assert not missing, ('the thesis includes files that do not exist (run `make figures` first):\n  ' + '\n  '.join(missing))


def test_bibliography_keys_exist():
    keys = set(re.findall(r'@\w+\{([^,]+),', (THESIS / 'references.bib').read_text()))
    cited = set()
    for f in [THESIS / 'thesis.tex', *sorted((THESIS / 'chapters').glob('*.tex'))]:
        for group in re.findall(r'\\cite[tp]?\*?(?:\[[^\]]*\])*\{([^}]*)\}', strip_comments(f.read_text())):
            cited |= {k.strip() for k in group.split(',')}
    assert cited and not (cited - keys), f'cited but not in references.bib: {sorted(cited - keys)}'


@pytest.mark.skipif(shutil.which('latexmk') is None, reason='latexmk not installed (tools/install_tex.sh installs it)')
def test_thesis_builds(tmp_path):
    if not all(ok for _, _, ok in thesis_references()): pytest.skip('figures/tables missing: run `make figures` first')
    shutil.copytree(THESIS, tmp_path / 'thesis', ignore=shutil.ignore_patterns('*.aux', '*.log', '*.pdf', '*.fls', '*.fdb_latexmk'))
    (tmp_path / 'figures').symlink_to(ROOT / 'figures')
    r = subprocess.run(['latexmk', '-pdf', '-interaction=nonstopmode', '-halt-on-error', 'thesis.tex'], cwd=tmp_path / 'thesis',
                       capture_output=True, text=True, timeout=300)
    log = (tmp_path / 'thesis' / 'thesis.log')
    assert r.returncode == 0, f'latexmk failed:\n{r.stdout[-3000:]}\n{log.read_text()[-3000:] if log.exists() else ""}'
    assert (tmp_path / 'thesis' / 'thesis.pdf').stat().st_size > 10_000
    text = log.read_text(errors='replace')
    assert not re.search(r"Citation `[^']+' on page \d+ undefined", text), 'undefined citations'
    assert not re.search(r"Reference `[^']+' on page \d+ undefined", text), 'undefined references'
