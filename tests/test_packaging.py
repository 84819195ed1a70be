"""The repository root installs as one distribution, `govgraph`, data files included."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUBPACKAGES = ["api", "graph", "loaders", "ontology", "visualisations"]
DATA_FILES = [
    "govgraph/ontology/govgraph.ttl",
    "govgraph/graph/storage/queries/organisation_list.rq",
    "govgraph/api/static/graphiql/graphiql.min.js",
    "govgraph/api/templates/graphiql.html",
    "govgraph/data/curated/organisations.yaml",
]


def test_every_folder_with_an_init_is_a_declared_package() -> None:
    import tomllib

    declared = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {"govgraph"} | {
        "govgraph." + ".".join(p.parent.relative_to(ROOT).parts)
        for p in ROOT.glob("*/**/__init__.py")
        if not p.relative_to(ROOT).parts[0].startswith((".", "tests", "build"))
    }
    assert found == declared


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("govgraph-*.whl"))


@pytest.mark.slow
def test_wheel_claims_no_top_level_name_but_govgraph(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"govgraph"}
    for sub in SUBPACKAGES:
        assert f"govgraph/{sub}/__init__.py" in names
    assert not any(n.startswith("govgraph/tests/") for n in names)


@pytest.mark.slow
def test_wheel_carries_the_data_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [f for f in DATA_FILES if f not in names]
    assert not missing


def _fresh_venv(tmp: Path, *install: str) -> Path:
    """A new venv holding only govgraph. Its dependencies come from this test run's own
    site-packages through a .pth line, which cannot expose this run's editable govgraph
    (a .pth-added folder's own .pth files are not processed)."""
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps"]
    subprocess.run([*pip, *install], check=True, capture_output=True)
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(purelib) / "zz_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


PROBE = """
import importlib.util, govgraph
from govgraph.ontology.terms import ontology_path
from govgraph.loaders.bundled import data_dir
assert ontology_path().is_file(), ontology_path()
assert (data_dir() / "curated" / "organisations.yaml").is_file(), data_dir()
for bare in ("api", "graph", "loaders", "ontology", "visualisations"):
    assert importlib.util.find_spec(bare) is None, f"bare module {bare} is importable"
print(govgraph.__file__)
"""


@pytest.mark.slow
@pytest.mark.parametrize("editable", [False, True], ids=["install", "editable"])
def test_fresh_venv_imports_govgraph_and_finds_its_data(
    tmp_path: Path, wheel: Path, editable: bool
) -> None:
    python = _fresh_venv(tmp_path, *(["-e", str(ROOT)] if editable else [str(wheel)]))
    result = subprocess.run(
        [str(python), "-c", PROBE], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    location = Path(result.stdout.strip()).parent
    assert (location == ROOT) is editable
