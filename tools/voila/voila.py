# Voila configuration for the mask explorer (`make explorer`, tests/test_browser.py), found through
# `--Voila.config_file_paths="['tools/voila']"`.
#
# nbs/40_explorer.ipynb is a chapter: documentation, the explorer's code, its tests and demonstrations. Served as it is,
# the page would run all of them and show the app at the bottom. This prelaunch hook serves such a chapter as its app
# alone: the title cell, one import of the exported module, and the cells tagged `explorer-app`. Notebooks without that
# tag are served unchanged. Kept here, free of heavy imports, because it runs inside the Voila server process.
import copy
import re

import nbformat

APP_TAG = 'explorer-app'


def app_only(notebook, tag=APP_TAG):
    "The notebook Voila should run for a chapter with app cells, or None (serve it unchanged)."
    app = [c for c in notebook.cells if tag in c.get('metadata', {}).get('tags', [])]
    if not app:
        return None
    nb = copy.deepcopy(notebook)
    title = [c for c in nb.cells[:1] if c.cell_type == 'markdown']
    found = (re.match(r'#\|\s*default_exp\s+(\S+)', c.source) for c in nb.cells if c.cell_type == 'code')
    lib = next((m.group(1) for m in found if m), None)
    imports = []
    if lib is not None:
        imp = nbformat.v4.new_code_cell(f'from msse_inpaint.{lib} import *')
        if nb.get('nbformat_minor', 0) < 5: imp.pop('id', None)
        imports = [imp]
    nb.cells = title + imports + [copy.deepcopy(c) for c in app]
    return nb


def prelaunch_hook(req, notebook, cwd):
    return app_only(notebook)


c.VoilaConfiguration.prelaunch_hook = prelaunch_hook  # noqa: F821 (`c` is the traitlets config object)
# Whoever reaches the page must not see the server's insides: errors in the app show their message only (the explorer
# says what went wrong on its status line); tracebacks stay in the server's log.
c.VoilaConfiguration.show_tracebacks = False  # noqa: F821
# Listen on the loopback interface only, whatever the machine's network; `make explorer EXPLORER_IP=...` opens it deliberately,
# and then with a token (--Voila.auto_token=True).
c.Voila.ip = '127.0.0.1'  # noqa: F821
