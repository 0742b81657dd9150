"""The layering of the tree (`[tool.importlinter]` in pyproject.toml, checked by import-linter):
the command line on top, the gateway, the services, the edge, the contracts, the settings, the
chassis, the reference data, the registry; the gateway and the command line never import a
service's internals; the domain and the contracts import no database, broker or framework."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support import ROOT

LINT = Path(sys.executable).parent / "lint-imports"


def lint(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_tree_keeps_its_layers():
    done = lint()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout and "4 kept" in done.stdout


def test_the_check_reads_the_real_imports(tmp_path):
    """A contract the tree breaks on purpose (the orgs service imports nameko) is reported broken,
    naming the import: the check above is not vacuous."""
    config = tmp_path / "importlinter.ini"
    config.write_text("[importlinter]\nroot_packages =\n    services\ninclude_external_packages = True\n\n"
                      "[importlinter:contract:1]\nname = orgs without nameko\ntype = forbidden\n"
                      "source_modules =\n    services.orgs.service\nforbidden_modules =\n    nameko\n")
    done = lint("--config", str(config))
    assert done.returncode != 0 and "services.orgs.service -> nameko" in done.stdout, done.stdout
