"""The embedded emulator answers as the other plausible Halo when haloform.yaml asks
(``variant:``), and ``emulator serve --variant`` takes the same switches."""

from __future__ import annotations

from tests.e2e.conftest import PROJECT, Haloform

RULE = """\
kind: TicketRule
guid: 0f7c2b1e-3d4a-4b5c-8d6e-7f8091a2b3c4
name: Stops
stopmatching: true
"""


def test_an_environment_variant_reaches_its_embedded_tenant(repo: Haloform) -> None:
    variant = "variant: {not_kept: {TicketRules: [stopmatching]}}"
    project = PROJECT.replace("local: {emulator: true}", f"local: {{emulator: true, {variant}}}")
    repo.write({"haloform.yaml": project, "rules/r.yaml": RULE})

    result = repo.apply(code=1)

    assert "Halo did not keep stopmatching on TicketRule 'Stops'" in result.stdout


def test_an_unknown_variant_is_an_error_with_a_suggestion(repo: Haloform) -> None:
    project = PROJECT.replace(
        "local: {emulator: true}", "local: {emulator: true, variant: {zero_fill: true}}"
    )
    repo.write({"haloform.yaml": project, "rules/r.yaml": RULE})

    result = repo("plan", ".", code=1)

    assert "no emulator variant 'zero_fill'; did you mean 'zero_filled'?" in result.stderr
