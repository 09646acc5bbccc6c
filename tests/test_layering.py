"""The package's layering, which no notebook can check from inside its own kernel:

- running a model (the inference API, `msse_test`, the explorer) does not import fastai: the checkpoint and reporting
  chapters sit below training and inference, so only `msse_inpaint.training` needs fastai's `Learner`;
- no two modules of the package import each other, directly or through others, counting the imports inside functions.

Both run in seconds on a CPU.
"""
import ast, os, subprocess, sys, textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / 'msse_inpaint'


def test_running_a_model_does_not_import_fastai():
    "A fresh interpreter imports inference and the explorer and inpaints a tiny image with the shipped model; no fastai module loads."
    code = textwrap.dedent('''
        import sys, torch
        import msse_inpaint.inference as inference, msse_inpaint.explorer
        torch.manual_seed(0)
        model = inference.load_model(device='cpu')              # the shipped reference model
        image = torch.rand(3, 24, 20); mask = torch.zeros(1, 24, 20); mask[:, 8:16, 6:14] = 1
        out = inference.inpaint(model, image, mask)
        assert out['output'].shape == (3, 24, 20), out['output'].shape
        assert torch.equal(out['output'][:, mask[0] == 0], image[:, mask[0] == 0])   # known pixels kept
        print(sorted({m.split('.')[0] + '.' + (m.split('.') + [''])[1] for m in sys.modules if m.split('.')[0] == 'fastai'}))
    ''')
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'MPLBACKEND': 'Agg'}
    env.pop('MSSE_CHECKPOINT', None)
    r = subprocess.run([sys.executable, '-c', code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().splitlines()[-1] == '[]', f'fastai was imported: {r.stdout.strip().splitlines()[-1]}'


def module_imports(path: Path) -> set[str]:
    "The package modules that `path` imports: `from .x import`, `from . import x`, `from msse_inpaint.x import`, `import msse_inpaint.x`, at any depth."
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1: parts = node.module.split('.') if node.module else []
            elif node.level == 0 and (node.module or '').split('.')[0] == 'msse_inpaint': parts = node.module.split('.')[1:]
            else: continue
            found |= {parts[0]} if parts else {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.split('.')[1] for a in node.names if a.name.startswith('msse_inpaint.')}
    return found - {path.stem}


def import_graph() -> dict[str, set[str]]:
    modules = {p.stem: p for p in PACKAGE.glob('*.py') if not p.name.startswith('_')}
    return {m: module_imports(p) & set(modules) for m, p in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    "One import cycle as a list of modules (first == last), or None."
    state, stack = {}, []
    def visit(m):
        state[m] = 'open'; stack.append(m)
        for d in sorted(graph[m]):
            if state.get(d) == 'open': return stack[stack.index(d):] + [d]
            if d not in state and (c := visit(d)): return c
        state[m] = 'done'; stack.pop()
        return None
    for m in sorted(graph):
        if m not in state and (c := visit(m)): return c
    return None


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({'a': {'b'}, 'b': {'c'}, 'c': {'a'}, 'd': set()}) == ['a', 'b', 'c', 'a']
    assert find_cycle({'a': {'b'}, 'b': set()}) is None
    graph = import_graph()
    assert {'core', 'data', 'inference', 'reporting', 'checkpoint'} <= set(graph) and 'reporting' in graph['inference']


def test_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, 'msse_inpaint has an import cycle: ' + ' -> '.join(cycle)


def test_checkpoint_and_reporting_sit_below_training_and_inference():
    graph = import_graph()
    def below(m):
        seen, todo = set(), [m]
        while todo:
            for d in graph[todo.pop()] - seen: seen.add(d); todo.append(d)
        return seen
    for low in ('checkpoint', 'reporting', 'files'):
        assert not below(low) & {'training', 'inference'}, f'{low} imports {below(low) & {"training", "inference"}}'
    assert 'training' not in below('inference') and 'training' not in below('explorer')
