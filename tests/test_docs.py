"""The rendered site in a real browser.

tools/render_docs.py (what `make docs` runs) renders the site from the notebooks into a temporary folder without
executing anything; a local HTTP server serves it; Debian's Chromium (/usr/bin/chromium, installed by
tools/install_browser.sh), driven by Playwright, opens the index and three chapters and checks that every <img> loaded
(naturalWidth > 0; each of these pages shows at least one figure from figures/, with or without saved outputs) and that
no error is shown (no Python traceback, no error output), that the formulas are typeset (MathJax, served with the site)
and that every link from these pages to the site's own pages resolves.  Requests to anything but the local server are
refused, so the test is the same offline.  Screenshots go to test-artifacts/docs-*.png.

Without Chromium the browser test is skipped with a message, except in CI (CI=true), where that is a failure.
"""
import functools, json, os, re, subprocess, sys, threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get('MSSE_CHROMIUM', '/usr/bin/chromium'))
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--no-first-run']
ARTIFACTS = ROOT / 'test-artifacts'
IN_CI = os.environ.get('CI', '').strip().lower() in ('true', '1', 'yes')
# The index and three chapters whose markdown shows a figure from figures/ (so they have images before any output is saved).
PAGES = ['nbs/index.ipynb', 'nbs/02_masks.ipynb', 'nbs/13_attention.ipynb', 'nbs/14_model.ipynb']
MATH_PAGE = 'nbs/13_attention.ipynb'     # its markdown has $$...$$ formulas
ERROR_LINE = re.compile(r'^\s*(Traceback \(most recent call last\)|[A-Za-z_][\w.]*(Error|Exception)\b[^\n]*:)', re.M)


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp('site') / '_docs'
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'MPLBACKEND': 'Agg'}
    r = subprocess.run([sys.executable, str(ROOT / 'tools' / 'render_docs.py'), '--out', str(out)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, f'render_docs.py failed:\n{r.stdout[-3000:]}\n{r.stderr[-5000:]}'
    return out, json.loads((out / 'site.json').read_text())


def test_site_has_every_notebook(site):
    out, pages = site
    notebooks = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / 'nbs').rglob('*.ipynb')
                       if not any(part.startswith(('.', '_')) for part in p.relative_to(ROOT / 'nbs').parts))
    assert sorted(p['notebook'] for p in pages) == notebooks
    assert pages[0]['page'] == 'index.html'
    for p in pages:
        assert (out / p['page']).is_file(), p
    by_nb = {p['notebook']: p for p in pages}
    assert by_nb['nbs/02_masks.ipynb']['page'] == 'masks.html'          # named as nbdev/Quarto name it


def test_rendering_executes_nothing(site):
    "No code ran: the processed notebooks hold exactly the outputs saved in nbs/ (none today)."
    from nbformat import read
    for nb_path in PAGES:
        saved = sum(len(c.get('outputs', [])) for c in read(ROOT / nb_path, as_version=4).cells)
        processed = sum(len(c.get('outputs', [])) for c in read(ROOT / '_proc' / Path(nb_path).relative_to('nbs'),
                                                                   as_version=4).cells)
        assert processed <= saved, (nb_path, saved, processed)


def _require_chromium():
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK): return
    message = f'{CHROMIUM} not found: run tools/install_browser.sh (apt-get install chromium) to run the browser test'
    if IN_CI: pytest.fail(message + ' -- CI=true, so the browser test may not be skipped')
    pytest.skip(message)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args): pass


@pytest.fixture(scope='module')
def served(site):
    out, pages = site
    server = ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(_QuietHandler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f'http://127.0.0.1:{server.server_address[1]}/', pages
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.timeout(300)
def test_pages_show_their_images_and_no_errors(served):
    _require_chromium()
    from playwright.sync_api import sync_playwright
    base, pages = served
    by_nb = {p['notebook']: p for p in pages}
    ARTIFACTS.mkdir(exist_ok=True)
    problems = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={'width': 1300, 'height': 1000})
            page.set_default_timeout(60_000)
            # Only the local server: a page that needs the network (a CDN script, say) must still show everything.
            page.route('**/*', lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
            errors = []
            page.on('pageerror', lambda e: errors.append(str(e)))
            for nb in PAGES:
                entry = by_nb[nb]
                url = base + entry['page']
                response = page.goto(url, wait_until='load')
                assert response is not None and response.ok, (url, response and response.status)
                page.wait_for_function('() => Array.from(document.images).every(i => i.complete)')
                images = page.evaluate("""() => Array.from(document.images).map(i => ({
                    src: i.getAttribute('src').slice(0, 120), width: i.naturalWidth, height: i.naturalHeight}))""")
                if not images: problems.append(f'{url}: no image at all')
                problems += [f'{url}: image did not load: {i["src"]}' for i in images if not (i['width'] > 0 and i['height'] > 0)]
                title = page.locator('h1').first.inner_text()
                if entry['title'] not in title: problems.append(f'{url}: title {title!r}, expected {entry["title"]!r}')
                # Error outputs, and tracebacks or "XError: ..." lines in any output (stdout, stderr, error, rich text).
                outputs = page.evaluate("""() => Array.from(document.querySelectorAll(
                        '.jp-OutputArea-output, .cell-output, [data-mime-type="application/vnd.jupyter.stderr"]'))
                    .map(e => ({mime: e.getAttribute('data-mime-type') || '', text: e.innerText}))""")
                for o in outputs:
                    if 'error' in o['mime'] or ERROR_LINE.search(o['text']):
                        problems.append(f'{url}: error shown in an output:\n{o["text"][:800]}')
                if nb == MATH_PAGE:
                    page.wait_for_function("() => document.querySelectorAll('.MathJax, .MathJax_CHTML, .MathJax_Display').length > 0")
                page.screenshot(path=str(ARTIFACTS / f"docs-{Path(entry['page']).stem}.png"), full_page=False)
                body = page.inner_text('body')
                if 'Traceback (most recent call last)' in body: problems.append(f'{url}: a Python traceback is shown')
                if 'Math Processing Error' in body: problems.append(f'{url}: MathJax could not typeset a formula')
                # Links within the site (nbdev's symbol links, the navigation bar) lead to pages that exist.
                links = page.evaluate("""(base) => Array.from(document.querySelectorAll('a[href]'))
                    .map(a => a.href.split('#')[0]).filter(h => h.startsWith(base))""", base)
                for link in sorted(set(links)):
                    status = page.request.get(link).status
                    if status != 200: problems.append(f'{url}: link to {link} gives HTTP {status}')
                if not any(link.endswith('.html') for link in links): problems.append(f'{url}: no link to another page')
            if errors: problems.append(f'JavaScript errors: {errors}')
        finally:
            browser.close()
    assert not problems, '\n'.join(problems)


def test_index_shows_the_chapters_as_a_table_and_no_prompts(site):
    "The front page's chapter table is an HTML table (not markdown source printed as text), and no page shows In[ ]/Out[ ] prompts."
    out, pages = site
    index = (out / 'index.html').read_text(encoding='utf-8')
    tables = re.findall(r'<table class="chapters">.*?</table>', index, re.S)
    assert len(tables) == 1, 'the index has no rendered chapters table'
    rows = re.findall(r'<tr>', tables[0])
    chapters = sorted(p.stem for p in (ROOT / 'nbs').glob('[0-9]*.ipynb'))
    assert len(rows) == 1 + len(chapters), (len(rows), len(chapters))
    for stem in chapters: assert f'<code>{stem}</code>' in tables[0], stem
    text = re.sub(r'<[^>]+>', ' ', index)
    assert '|---|' not in text and '| notebook | chapter |' not in text, 'raw markdown table text on the index page'
    for p in pages:   # execution counts are not saved, so the site shows no prompts at all rather than empty ones
        body = (out / p['page']).read_text(encoding='utf-8')
        assert not re.search(r'class="[^"]*jp-(Input|Output)Prompt', body), f'{p["page"]} shows In/Out prompts'
