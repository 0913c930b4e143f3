"""docs/config.md is generated from the config classes and must match them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from abm import config
from abm.docgen import config_reference

DOC = Path(__file__).resolve().parent.parent / "docs" / "config.md"


def test_config_doc_is_up_to_date() -> None:
    assert DOC.is_file(), "docs/config.md is missing: run `make docs` to generate it"
    current = DOC.read_text(encoding="utf-8")
    assert current == config_reference(), (
        "docs/config.md is out of date with the config classes in abm/config/: "
        "run `make docs` (python -m abm.docgen > docs/config.md) and commit the result"
    )


def test_reference_is_deterministic() -> None:
    assert config_reference() == config_reference()


def test_reference_documents_every_section_and_key() -> None:
    text = config_reference()
    for section, cls in config.SECTIONS.items():
        assert f"\n## {section}\n" in text
        doc = (cls.__doc__ or "").strip().splitlines()[0]
        assert doc in text
    rows = re.findall(r"^\| `([a-z_0-9]+\.[a-z_0-9]+)` \|", text, flags=re.MULTILINE)
    assert rows == config.all_keys()


def test_reference_rows_have_six_cells() -> None:
    for line in config_reference().splitlines():
        if line.startswith("| `"):
            cells = re.split(r"(?<!\\)\|", line)[1:-1]
            assert len(cells) == 6, line


@pytest.mark.parametrize("key", ["hospital.beds", "run.start_date", "population.age_band_shares"])
def test_reference_row_shows_default_and_unit(key: str) -> None:
    f = config.field_of(key)
    row = next(line for line in config_reference().splitlines() if line.startswith(f"| `{key}`"))
    assert f.metadata["unit"] in row
    assert f.metadata["description"] in row
    default = f.default
    shown = default.isoformat() if hasattr(default, "isoformat") else str(default)
    if isinstance(default, tuple):
        shown = "[" + ", ".join(repr(v) for v in default) + "]"
    assert f"`{shown}`" in row


def test_example_in_the_reference_is_a_valid_scenario(tmp_path: Path) -> None:
    text = config_reference()
    example = re.search(r"```toml\n(.*?)```", text, flags=re.DOTALL)
    assert example, "the reference should show an example scenario"
    (tmp_path / "baseline.toml").write_text("", encoding="utf-8")
    path = tmp_path / "example.toml"
    path.write_text(example.group(1), encoding="utf-8")
    scenario = config.load_scenario(path, ["hospital.beds=850"])
    assert scenario.hospital.beds == 850
    assert len(scenario.schedule) == 1


def test_module_prints_the_reference() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "abm.docgen"],
        capture_output=True,
        check=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii", "LC_ALL": "C"},
    )
    assert result.stdout.decode("utf-8") == config_reference()
