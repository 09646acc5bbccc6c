"""The mask explorer in a real browser.

Voila serves nbs/40_explorer.ipynb on a free localhost port, exactly as `make explorer` does (same config, this
environment's kernel); Debian's Chromium (/usr/bin/chromium, installed by tools/install_browser.sh), driven by
Playwright, opens the page, draws a stroke on the canvas with the mouse, clicks Run and checks that the result image
appears. A screenshot is saved as test-artifacts/explorer.png. Playwright never downloads a browser here.

Without Chromium the test is skipped with a message, except in CI (CI=true), where that is a failure.
"""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get('MSSE_CHROMIUM', '/usr/bin/chromium'))
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--no-first-run']
ARTIFACTS = ROOT / 'test-artifacts'
NOTEBOOK = 'nbs/40_explorer.ipynb'
IN_CI = os.environ.get('CI', '').strip().lower() in ('true', '1', 'yes')
PAGE_TIMEOUT_MS = 100_000   # server start + kernel start + the app cell (imports torch, builds the widgets)


def _require_chromium():
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return
    message = f'{CHROMIUM} not found: run tools/install_browser.sh (apt-get install chromium) to run the browser test'
    if IN_CI:
        pytest.fail(message + ' -- CI=true, so the browser test may not be skipped')
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _wait_listening(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60.0):
    "Wait until the server accepts connections (a plain TCP check: a GET of the page would start a kernel)."
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f'voila exited with {proc.returncode} before listening:\n{log.read_text()[-3000:]}')
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f'voila did not listen on port {port} within {timeout:.0f} s:\n{log.read_text()[-3000:]}')


@pytest.fixture(scope='module')
def explorer_url(tmp_path_factory):
    _require_chromium()
    bin_dir = Path(sys.executable).parent
    voila = bin_dir / 'voila'
    assert voila.exists(), f'{voila} is missing: voila must be installed in the environment that runs the tests (make env)'
    # The kernel must be this environment's python, whatever kernelspecs the machine has: a private JUPYTER_PATH
    # (searched first) holds a `python3` kernelspec that names sys.executable, and bin/ goes first on PATH.
    jupyter_path = tmp_path_factory.mktemp('jupyter')
    spec = jupyter_path / 'kernels' / 'python3'
    spec.mkdir(parents=True)
    (spec / 'kernel.json').write_text(json.dumps({
        'argv': [sys.executable, '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
        'display_name': 'Python 3 (msse_inpaint test)', 'language': 'python'}))
    env = {**os.environ, 'PATH': f'{bin_dir}{os.pathsep}{os.environ.get("PATH", "")}', 'JUPYTER_PATH': str(jupyter_path),
           'MPLBACKEND': 'Agg', 'OMP_NUM_THREADS': '1', 'PYTHONUNBUFFERED': '1'}
    specs = json.loads(subprocess.run([str(bin_dir / 'jupyter'), 'kernelspec', 'list', '--json'], env=env, cwd=ROOT,
                                      capture_output=True, text=True, check=True).stdout)['kernelspecs']
    assert specs['python3']['spec']['argv'][0] == sys.executable, specs['python3']
    port = _free_port()
    log = tmp_path_factory.mktemp('voila') / 'voila.log'
    cmd = [str(voila), NOTEBOOK, f'--port={port}', '--no-browser', '--Voila.ip=127.0.0.1',
           f"--Voila.config_file_paths={ROOT / 'tools' / 'voila'}"]
    with open(log, 'w') as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_listening(port, proc, log)
        yield f'http://127.0.0.1:{port}/', log
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.mark.timeout(360)
def test_explorer_draw_run_in_browser(explorer_url):
    from playwright.sync_api import expect, sync_playwright
    # expect() has its own 5 s default, separate from the page's: a run of the network on a busy 2-core CI machine takes longer.
    expect.set_options(timeout=PAGE_TIMEOUT_MS)
    url, log = explorer_url
    ARTIFACTS.mkdir(exist_ok=True)
    errors = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={'width': 1500, 'height': 1100})
        try:
            page.on('pageerror', lambda e: errors.append(str(e)))
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            page.goto(url, timeout=PAGE_TIMEOUT_MS)
            # Wait for the explorer, or for an error from the kernel (then fail at once, with the page's text and the log).
            error = '[data-mime-type="application/vnd.jupyter.stderr"], [data-mime-type="application/vnd.jupyter.error"]'
            try:
                page.wait_for_selector(f'.msse-canvas, {error}', state='attached')
            except Exception:
                pass
            canvas = page.locator('.msse-canvas')
            if not canvas.count() or not canvas.is_visible():
                page.screenshot(path=str(ARTIFACTS / 'explorer.png'), full_page=True)
                raise AssertionError(f'the explorer did not appear. Page text:\n{page.inner_text("body")[-3000:]}\n'
                                     f'Voila log:\n{log.read_text()[-4000:]}')
            # Voila serves the app alone: the chapter's tests are not on the page.
            assert 'Tests: the handlers' not in page.content()
            ratio = page.locator('.msse-hole-ratio')
            expect(ratio).to_contain_text('hole: 0.0%')
            # The image is drawn once the browser's canvas is ready (drawn from the state, never read back). ipycanvas shows the
            # MultiCanvas's layers composited in one <canvas> element.
            page.wait_for_function("""() => {
                const c = document.querySelector('canvas.msse-canvas');
                return c && c.getContext('2d').getImageData(c.width / 2, c.height / 2, 1, 1).data[3] > 0; }""")

            box = canvas.bounding_box()
            x0, y0, w, h = box['x'], box['y'], box['width'], box['height']
            page.mouse.move(x0 + 0.25 * w, y0 + 0.5 * h)
            page.mouse.down()
            for i in range(1, 21):
                page.mouse.move(x0 + (0.25 + 0.5 * i / 20) * w, y0 + (0.5 + 0.1 * i / 20) * h)
            page.mouse.up()
            expect(ratio).not_to_contain_text('hole: 0.0%')   # the stroke reached the mask in Python

            # The canvas shows the hole (red wash) where the stroke went: the state was drawn back.
            painted = page.evaluate("""() => {
                const c = document.querySelector('canvas.msse-canvas');
                const d = c.getContext('2d').getImageData(Math.floor(c.width / 2), Math.floor(0.55 * c.height), 1, 1).data;
                return [d[0], d[1], d[2]]; }""")
            assert painted[0] > painted[1] + 40 and painted[0] > painted[2] + 40, f'canvas pixel in the stroke is not red: {painted}'

            page.locator('button.msse-run').click()
            result = page.locator('img.msse-result')
            expect(result).to_be_visible()
            page.wait_for_function("""() => { const i = document.querySelector('img.msse-result');
                                              return i && i.complete && i.naturalWidth > 0; }""")
            expect(page.locator('.msse-status')).to_contain_text('Ran')
            natural = page.evaluate("() => document.querySelector('img.msse-result').naturalWidth")
            assert natural >= 64, natural

            # With a network (the untrained demonstration network: the page has no checkpoint to rely on), Run shows its stages,
            # and a click with the query tool shows the attention of the clicked pixel.
            page.locator('.msse-model-choice select').select_option(label='untrained network (demo)')
            expect(page.locator('.msse-model')).to_contain_text('UNTRAINED')
            page.locator('button.msse-run').click()
            expect(page.locator('img.msse-attention').first).to_be_visible()
            expect(page.locator('img.msse-structure')).to_be_visible()
            page.locator('.msse-tool button', has_text='query point').click()
            box = canvas.bounding_box()                           # the layout has grown since the stroke: measure again
            x0, y0, w, h = box['x'], box['y'], box['width'], box['height']
            qx, qy = x0 + 0.375 * w, y0 + 0.525 * h              # on the stroke, away from its centre (the default query)
            page.mouse.click(qx, qy)
            size = page.evaluate("() => document.querySelector('canvas.msse-canvas').width")
            want_y, want_x = int((qy - y0) * size / h), int((qx - x0) * size / w)
            page.wait_for_function(  # the captions name the query; wait until they name the clicked pixel (give or take one)
                """([y, x]) => { const c = document.querySelector('.msse-attention-caption');
                               const m = c && c.innerText.match(/\\((\\d+), (\\d+)\\)/);
                               return m && Math.abs(+m[1] - y) <= 1 && Math.abs(+m[2] - x) <= 1; }""", arg=[want_y, want_x])
            page.wait_for_timeout(300)
            page.screenshot(path=str(ARTIFACTS / 'explorer.png'), full_page=True)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / 'explorer-failure.png'), full_page=True)
            print(f'screenshot of the failure: {ARTIFACTS / "explorer-failure.png"}; status line: '
                  f'{page.locator(".msse-status").all_inner_texts()}; voila log:\n{log.read_text()[-3000:]}')
            raise
        finally:
            browser.close()
    assert not errors, f'errors in the page: {errors}'
