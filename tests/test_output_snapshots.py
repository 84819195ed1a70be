"""Every output of the bundled data is byte-identical to the digests recorded before the
layer move of issue #21 (tests/output_snapshots.py says how to re-record them, which is
only right when an output is meant to change)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.output_snapshots import MANIFEST, commands, digest, outputs

pytestmark = pytest.mark.slow


def test_the_recorded_outputs_are_every_output_the_snapshot_makes() -> None:
    assert sorted(json.loads(MANIFEST.read_text())) == sorted(name for name, _ in commands())


def test_every_output_of_the_bundled_data_is_byte_identical_to_its_recorded_digest(
    bundled_store_path: Path, tmp_path: Path, artefacts: Path
) -> None:
    recorded = json.loads(MANIFEST.read_text())
    changed = []
    for name, data in outputs(f"oxigraph:{bundled_store_path}", tmp_path):
        if digest(data) != recorded.get(name):
            changed.append(name)
            (artefacts / f"snapshot-{name}").write_bytes(data)
    assert not changed, (
        f"outputs changed: {changed} (written to tests/artefacts/snapshot-*; diff them against "
        "`python -m tests.output_snapshots --write DIR` on the previous commit)"
    )
