import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SEED_2017 = SEEDS / "000_e5b0baf296e1d159.txt"
SEED_2021 = SEEDS / "003_74c2b73519e193b9.txt"

needs_seeds = pytest.mark.skipif(not SEED_2017.exists(), reason="../shared/seeds is not beside the project")


class CLI:
    """Runs the real `newswatch` command in a subprocess against one database."""

    def __init__(self, db: Path):
        self.db = db

    def run(self, *args, input: str | None = None, check_rc: int | None = None, env: dict | None = None):
        full_env = {**os.environ, **(env or {})}
        full_env.pop("NEWSWATCH_DB", None)
        proc = subprocess.run(
            [sys.executable, "-m", "newswatch", "--db", str(self.db), *map(str, args)],
            input=input, capture_output=True, text=True, timeout=300, env=full_env,
        )
        if check_rc is not None:
            assert proc.returncode == check_rc, f"rc={proc.returncode}\nstdout:{proc.stdout}\nstderr:{proc.stderr}"
        return proc

    def json(self, *args, check_rc: int = 0, input: str | None = None):
        proc = self.run(*args, "--json", input=input, check_rc=check_rc)
        return json.loads(proc.stdout)


@pytest.fixture
def cli(tmp_path) -> CLI:
    return CLI(tmp_path / "test.db")


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path
