"""Helpers for the benchmarks: where ../shared/eval is, loading its loaders, measuring."""

from __future__ import annotations

import importlib.util
import os
import platform
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = Path(os.environ.get("NEWSWATCH_EVAL", ROOT.parent / "shared" / "eval"))

# The benchmark measures the checkout it lives in. The virtual environment installs newswatch in editable
# mode pointing at one checkout, so a benchmark run from another (a git worktree of an older commit, for a
# "before" figure) would otherwise import that checkout's code. Subprocesses get the same path.
sys.path.insert(0, str(ROOT))
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)


def load_module(relative: str, name: str):
    """Import one of ../shared/eval's load_*.py files by path."""
    path = EVAL / relative
    if not path.exists():
        sys.exit(f"bench: {path} not found: the evaluation sets live in ../shared/eval (or set NEWSWATCH_EVAL)")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
