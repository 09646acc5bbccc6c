"""tools/gpu_check.sh, the prepared GPU check, in its CPU dry run: the same steps at toy sizes, results in one folder."""
import subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_gpu_check_dry_run(tmp_path):
    out = tmp_path / 'gpu_out'
    r = subprocess.run(['bash', str(ROOT / 'tools' / 'gpu_check.sh'), '--dry-run', str(out)], cwd=ROOT,
                       capture_output=True, text=True, timeout=600, env={'PYTHON': sys.executable, 'PATH': '/usr/bin:/bin',
                                                                        'OMP_NUM_THREADS': '1', 'HOME': str(tmp_path)})
    status = (out / 'status.txt').read_text()
    assert r.returncode == 0, r.stdout + r.stderr + status
    assert 'bench_compare: ok' in status and 'bench: ok' in status, status
    report = (out / 'bench_compare' / 'debug_cpu' / 'report.txt').read_text()
    assert 'training step' in report and 'plain float32 eager' in report, report
    assert 'top operators, fast path' in report, report
    assert (out / 'bench.csv').read_text().startswith('preset,'), (out / 'bench.csv').read_text()[:200]
    assert 'torch' in (out / 'env.txt').read_text()


def test_gpu_check_needs_an_output_folder():
    r = subprocess.run(['bash', str(ROOT / 'tools' / 'gpu_check.sh')], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and 'usage: tools/gpu_check.sh' in r.stderr, r.stderr
