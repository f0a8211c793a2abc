"""Every Mermaid block of the Markdown goldens parses with the real Mermaid parser.

A regular expression is not a check: GitHub shows "Unable to render rich display"
for a diagram its Mermaid rejects. tests/mermaid/ holds the parser (``npm ci`` there,
as ``.ci/run`` does) and a small Node script that runs it. Without node or those
packages this test fails, saying how to install them: it must never pass unchecked.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from haloform.render.mermaid import diagram, text

from . import review_plans

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tests" / "mermaid"
GOLDEN_DIRS = (ROOT / "tests" / "render" / "golden", ROOT / "tests" / "e2e" / "golden")
BLOCK = re.compile(r"^(`{3,})mermaid\n(.*?)^\1$", re.M | re.S)


def parse(diagrams: list[str]) -> list[str | None]:
    """The parser's verdict for each diagram: None, or its error message."""
    node = shutil.which("node")
    assert node, "node is not installed: the Mermaid check needs Node.js 18+ (apt install nodejs)"
    assert (TOOL / "node_modules" / "mermaid").is_dir(), (
        f"the mermaid parser is not installed: run `npm ci` in {TOOL} (as .ci/run does)"
    )
    done = subprocess.run(
        [node, str(TOOL / "parse.mjs")],
        input=json.dumps(diagrams),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    verdicts: list[str | None] = json.loads(done.stdout)
    return verdicts


def golden_diagrams() -> dict[str, str]:
    found = {}
    for directory in GOLDEN_DIRS:
        for path in sorted(directory.glob("*.md")):
            for index, match in enumerate(BLOCK.finditer(path.read_text(encoding="utf-8"))):
                found[f"{path.name}#{index}"] = match.group(2)
    return found


def test_every_mermaid_block_of_the_goldens_parses() -> None:
    diagrams = golden_diagrams()
    assert len(diagrams) >= 3, "the goldens should hold workflow diagrams"
    verdicts = parse(list(diagrams.values()))
    failures = {name: error for name, error in zip(diagrams, verdicts, strict=True) if error}
    assert not failures, failures


def test_the_parser_rejects_a_broken_diagram() -> None:
    assert parse(["flowchart TD\n  a -->"])[0] is not None


def test_names_that_mean_something_to_mermaid_still_parse() -> None:
    hostile = 'a "quoted" [name] (with) {braces} | pipe #35; <b>x</b> `tick` --> end; %% c'
    diagram = f"flowchart TD\n  s1[{text(hostile)}]\n  s1 -->|{text(hostile)}| s2([{text('x')}])\n"
    assert parse([diagram]) == [None]


def test_an_automation_runbook_reads_as_halo_shows_it_and_parses() -> None:
    """Negative action ids are Halo's automation results, ``-98`` the next iteration,
    and an end step the workflow lacks is drawn as missing (all as Halo stores them)."""
    drawn = diagram(review_plans.new_runbook().changes[0])
    assert drawn is not None
    assert '|"array iteration: Successful"| s2' in drawn
    assert '|"array iteration: Unsuccessful"| x7' in drawn
    assert 'x7["no step 7"]' in drawn and 'xm98["next iteration"]' in drawn
    assert "class xm98 loop" in drawn and "class x7 removed" in drawn
    assert parse([drawn]) == [None]


def test_a_changed_workflow_diagram_parses() -> None:

    drawn = diagram(review_plans.changed_workflow().changes[0])
    assert drawn is not None
    assert parse([drawn]) == [None]
