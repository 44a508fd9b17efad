"""Every report caption renders as reStructuredText without a system message (issue 14: `|z|`, `|cos|` and
`|Δm_j|` were read as substitution references and showed "Docutils System Messages" in the report)."""

from __future__ import annotations

from pathlib import Path

import pytest

docutils_core = pytest.importorskip("docutils.core")  # docutils comes with snakemake (its report renders rst)
from docutils import nodes  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CAPTIONS = sorted((ROOT / "workflow" / "report").glob("*.rst"))


class _Config(dict):
    def __missing__(self, key):
        return key


class _Snakemake:
    """Enough of the object Snakemake's report hands to caption templates ({{ snakemake.config[...] }})."""

    config = _Config(profile="default")
    wildcards = _Config()
    params = _Config()


def _render_template(text: str) -> str:
    if "{{" not in text and "{%" not in text:
        return text
    jinja2 = pytest.importorskip("jinja2")
    return jinja2.Template(text).render(snakemake=_Snakemake())


def system_messages(text: str) -> list[str]:
    """The docutils messages (info and above) that rendering `text` produces, as readable lines."""
    doctree = docutils_core.publish_doctree(
        text,
        settings_overrides={
            "report_level": 1,
            "halt_level": 5,
            "warning_stream": False,
            "file_insertion_enabled": False,
        },
    )
    found = list(doctree.findall(nodes.system_message)) + list(doctree.transform_messages)  # parser + transforms
    return [f"{m['type']} (line {m.get('line', '?')}): {m.astext()}" for m in found]


def test_there_are_captions():
    assert len(CAPTIONS) >= 20


@pytest.mark.parametrize("caption", CAPTIONS, ids=[p.name for p in CAPTIONS])
def test_caption_renders_without_system_messages(caption):
    messages = system_messages(_render_template(caption.read_text(encoding="utf-8")))
    assert messages == [], f"{caption.name}: " + "; ".join(messages)


def test_the_check_catches_a_bare_absolute_value():
    """The old captions' form: `the largest |z|` is an undefined substitution reference, an error."""
    assert any("ERROR" in m for m in system_messages("the largest |z| beside the threshold"))
    assert system_messages("the largest abs(z) beside the threshold") == []
