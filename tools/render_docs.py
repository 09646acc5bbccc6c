"""Render the workbook's site from the notebooks into _docs/ (`make docs`); nothing is executed.

Two steps:
1. nbdev's own notebook processing (`nbdev.serve.proc_nbs`, the first half of `nbdev_docs`) writes the processed
   notebooks to _proc/: frontmatter from each title cell, `#| hide` cells dropped, export directives removed, symbol
   links added.  settings.ini's `skip_procs = exec_show_docs` keeps it from running any code (no imports of torch, no
   figures written): the pages show the outputs saved in the notebooks, and nothing else.
2. Each processed notebook becomes one HTML page with nbconvert's `lab` template, named as nbdev/Quarto name it (the
   frontmatter's `output-file`: `02_masks.ipynb` -> `masks.html`), with a navigation bar listing every page.  Quarto
   cell options at the top of code cells are honoured (`include: false` drops the cell, `echo: false` the code,
   `output: false` the outputs).  Files a notebook's markdown shows (`![...](../figures/x.png)`) are copied beside the
   pages at the same path relative to the repository, nbdev's links to documented symbols (absolute, to settings.ini's
   doc_host) are made relative, and MathJax comes from the jupyter-server-mathjax package (copied to OUT/mathjax), so
   the site is self-contained and works offline.

Why not `nbdev_docs` all the way: its second half is `quarto render`, and Quarto cannot be installed on this project's
machines (the `quarto-cli` package on the package index is a source distribution whose build downloads Quarto from
GitHub, which these machines cannot reach).  nbdev_docs would also rewrite README.md from index.ipynb.

Usage: .venv/bin/python tools/render_docs.py [--out _docs]      (serve with: python -m http.server -d _docs)
The pages are listed in OUT/site.json (notebook, page, title), which tests/test_docs.py reads.
"""
import argparse, html, json, os, posixpath, re, shutil, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OPTION = re.compile(r'^#\|\s*(.*)$')
MD_IMAGE = re.compile(r'(!\[[^\]]*\]\()([^)\s]+)((?:\s+"[^"]*")?\))')
HTML_IMAGE = re.compile(r'(<img\b[^>]*?\bsrc=["\'])([^"\']+)(["\'])', re.I)
STYLE = """<style>
.msse-nav { position: sticky; top: 0; z-index: 10; display: flex; flex-wrap: wrap; gap: 2px 14px; box-sizing: border-box;
            width: 100%; background: #f6f8fa; border-bottom: 1px solid #d0d7de; padding: 6px 16px; font: 13px/1.6 sans-serif; }
.msse-nav a { color: #0969da; text-decoration: none; white-space: nowrap; }
.msse-nav a.current { font-weight: bold; color: #1f2328; }
.msse-header { max-width: 1100px; margin: 16px auto 0; padding: 0 16px; font-family: sans-serif; }
.msse-header .description { color: #57606a; font-size: 1.1em; }
.jp-RenderedMarkdown img, .jp-RenderedHTMLCommon img { max-width: 100%; height: auto; }
</style>
"""


def frontmatter(nb) -> dict:
    "The YAML frontmatter nbdev put in the first raw cell (removed from the notebook)."
    import yaml
    if nb.cells and nb.cells[0].cell_type == 'raw':
        src = nb.cells[0].source.strip()
        if src.startswith('---') and src.rstrip('-').strip():
            nb.cells.pop(0)
            return yaml.safe_load(src.strip('-').strip()) or {}
    return {}


def cell_options(cell) -> dict:
    "Quarto's `#| key: value` options at the top of a code cell, removed from its source."
    lines, opts = cell.source.splitlines(), {}
    while lines and (m := OPTION.match(lines[0])):
        key, _, value = m.group(1).partition(':')
        opts[key.strip()] = value.strip().lower() if value else True
        lines.pop(0)
    cell.source = '\n'.join(lines).strip('\n')
    return opts


def localize_images(text: str, nb_dir: Path, page_dir: Path, out: Path, copied: set) -> str:
    "Copy the repository files `text` shows as images into `out` (same relative path) and point the links at them."
    def fix(m):
        url = m.group(2)
        if re.match(r'^[a-z][a-z0-9+.-]*:|^/|^#', url, re.I): return m.group(0)   # http:, data:, absolute, anchors
        target = (nb_dir / url).resolve()
        if not target.is_file() or not target.is_relative_to(ROOT): return m.group(0)  # left as is: the test sees it broken
        dest = out / target.relative_to(ROOT)
        if target not in copied:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(target, dest)
            copied.add(target)
        return m.group(1) + posixpath.relpath(dest.as_posix(), page_dir.as_posix()) + m.group(3)
    return HTML_IMAGE.sub(fix, MD_IMAGE.sub(fix, text))


def prepare(nb, nb_dir: Path, page_dir: Path, out: Path, copied: set):
    "Apply the cell options and image paths; return the notebook ready for nbconvert."
    cells = []
    for cell in nb.cells:
        if cell.cell_type == 'markdown':
            cell.source = localize_images(cell.source, nb_dir, page_dir, out, copied)
        elif cell.cell_type == 'code':
            opts = cell_options(cell)
            if opts.get('include') == 'false': continue
            tags = set(cell.metadata.get('tags', []))
            if opts.get('echo') == 'false' or not cell.source.strip(): tags.add('remove_input')
            if opts.get('output') == 'false': tags.add('remove_output'); cell.outputs = []
            if 'remove_input' in tags and not cell.get('outputs'): continue            # nothing left to show
            cell.metadata['tags'] = sorted(tags)
        cells.append(cell)
    nb.cells = cells
    return nb


def nav_html(pages: list, current: dict, page_dir: Path, out: Path) -> str:
    links = []
    for p in pages:
        href = posixpath.relpath((out / p['page']).as_posix(), page_dir.as_posix())
        cls = ' class="current"' if p is current else ''
        links.append(f'<a href="{html.escape(href)}"{cls}>{html.escape(p["title"])}</a>')
    head = f'<header class="msse-header"><h1 class="title">{html.escape(current["title"])}</h1>'
    if current.get('description'): head += f'<p class="description">{html.escape(current["description"])}</p>'
    return f'<nav class="msse-nav">{"".join(links)}</nav>\n{head}</header>\n'


def local_mathjax(out: Path) -> Path:
    "Copy MathJax 2 (from the jupyter-server-mathjax package) into the site; the path of its MathJax.js."
    import jupyter_server_mathjax
    static = Path(jupyter_server_mathjax.__file__).parent / 'static'
    shutil.copytree(static, out / 'mathjax')
    return out / 'mathjax' / 'MathJax.js'


def relative_links(body: str, site_url: str, page_dir: Path, out: Path) -> str:
    "nbdev links symbols to `site_url` + page; point them at the pages of this copy of the site instead."
    root = posixpath.relpath(out.as_posix(), page_dir.as_posix())
    return body.replace(f'href="{site_url}', f'href="{"" if root == "." else root + "/"}')


def render(out: Path, n_workers: int = 1, force: bool = True) -> list:
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config
    os.chdir(ROOT)
    from nbdev.config import get_config
    cfg = get_config()
    if 'exec_show_docs' not in str(cfg.get('skip_procs', '')).replace(',', ' ').split():
        sys.exit('settings.ini must say `skip_procs = exec_show_docs`: rendering the site may not execute notebook code')
    from nbdev.serve import proc_nbs
    cache = Path(proc_nbs(n_workers=n_workers, force=force))
    nbs = Path(cfg.nbs_path)

    pages = []
    for src in sorted(cache.rglob('*.ipynb'), key=lambda p: (p.parent != cache, p.name != 'index.ipynb', str(p))):
        nb = nbformat.read(src, as_version=4)
        fm = frontmatter(nb)
        rel = src.relative_to(cache)
        page = rel.parent / fm.get('output-file', rel.with_suffix('.html').name)
        pages.append(dict(notebook=(nbs / rel).relative_to(ROOT).as_posix(), page=page.as_posix(),
                          title=str(fm.get('title', rel.stem)), description=str(fm.get('description', '')).strip(),
                          src=src, nb=nb))

    if out.exists(): shutil.rmtree(out)
    out.mkdir(parents=True)
    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_input_tags = {'remove_input'}
    c.TagRemovePreprocessor.remove_all_outputs_tags = {'remove_output'}
    # no In[ ]/Out[ ] prompts: the saved notebooks carry no execution counts (nbdev_clean), so a prompt could only say the opposite of the truth
    exporter = HTMLExporter(config=c, template_name='lab', exclude_input_prompt=True, exclude_output_prompt=True)
    mathjax = local_mathjax(out)
    from urllib.parse import urljoin
    site_url = urljoin(str(cfg.doc_host).rstrip('/') + '/', str(cfg.doc_baseurl).lstrip('/'))
    copied = set()
    for p in pages:
        dest = out / p['page']
        dest.parent.mkdir(parents=True, exist_ok=True)
        nb = prepare(p['nb'], (ROOT / p['notebook']).parent, dest.parent, out, copied)
        nb.metadata['title'] = p['title']
        exporter.mathjax_url = posixpath.relpath(mathjax.as_posix(), dest.parent.as_posix()) + '?config=TeX-AMS-MML_HTMLorMML-full,Safe'
        body, _ = exporter.from_notebook_node(nb, resources={'metadata': {'name': p['title'], 'path': str(p['src'].parent)}})
        body = body.replace('</head>', STYLE + '</head>', 1)
        body = re.sub(r'<script src="[^"]*require(\.min)?\.js"></script>\n?', '', body)   # only widgets need it; none are saved
        body = relative_links(body, site_url, dest.parent, out)
        body = re.sub(r'(<body\b[^>]*>)', lambda m: m.group(1) + '\n' + nav_html(pages, p, dest.parent, out), body, count=1)
        dest.write_text(body, encoding='utf-8')
    site = [{k: p[k] for k in ('notebook', 'page', 'title')} for p in pages]
    (out / 'site.json').write_text(json.dumps(site, indent=1) + '\n')
    return site


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=None, help="output folder (default: settings.ini's doc_path, _docs)")
    ap.add_argument('--workers', type=int, default=1, help='processes for the nbdev processing step')
    args = ap.parse_args(argv)
    start = time.monotonic()
    if args.out is None:
        os.chdir(ROOT)
        from nbdev.config import get_config
        out = Path(get_config().doc_path)
    else:
        out = Path(args.out).resolve()
    site = render(out, args.workers)
    print(f'rendered {len(site)} pages into {out} in {time.monotonic() - start:.1f} s '
          f'(serve with: python -m http.server -d {os.path.relpath(out, Path.cwd())})')


if __name__ == '__main__':
    main()
