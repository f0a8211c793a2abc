"""Offline analysis commands: ``lint``, ``simulate`` and ``test``.

Each loads and validates the repo first (analysing a repo whose references dangle
would mislead) and refuses to go on while ``validate`` has errors.
"""

from __future__ import annotations

from pathlib import Path

import click

from haloform.analyze import lint_format, simulate_format, testing_format
from haloform.analyze.lint import lint as lint_repo
from haloform.analyze.simulate import simulate as simulate_ticket
from haloform.analyze.testing import run_tests
from haloform.cli.context import common_options, env_option
from haloform.diagnostics import ConfigErrors, Diagnostic, Location, Severity
from haloform.kinds.offline import TicketFile
from haloform.load.located import validate_document
from haloform.load.repo import Repo
from haloform.load.settings import load_project
from haloform.load.validate import validate_repo
from haloform.load.yamlio import read_yaml

REPO_PATH = click.Path(exists=True, path_type=Path)


def _checked_repo(directory: Path, env: str | None) -> Repo:
    project = load_project(directory)
    _, environment = project.environment(env)
    repo = validate_repo(directory, project.variables_for(environment), project.ignore)
    repo.diagnostics.raise_for_errors("the repo does not validate (see 'haloform validate')")
    return repo


@click.command("lint")
@click.argument("directory", default=".", type=REPO_PATH)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(lint_format.FORMATS)),
    default="text",
    show_default=True,
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@env_option
@common_options
def lint(directory: Path, fmt: str, strict: bool, env: str | None) -> None:
    """Judge the rules and workflows: rules that can never fire, orders nobody chose,
    steps a ticket cannot leave. Offline, no tenant needed.

    Exits 1 on any error finding (with --strict, on any finding); silence one on its
    document with a comment: '# haloform: ignore[rule-id]'.
    """
    report = lint_repo(_checked_repo(directory, env))
    click.echo(lint_format.FORMATS[fmt](report), nl=False)
    click.get_current_context().exit(1 if report.fails(strict=strict) else 0)


@click.command("simulate")
@click.argument("directory", default=".", type=REPO_PATH)
@click.option(
    "--ticket",
    "ticket_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML mapping of ticket field names to values.",
)
@click.option(
    "--event",
    type=click.Choice(["new", "existing"]),
    default="new",
    show_default=True,
    help="Whether the ticket is being created or is an existing ticket changing.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(simulate_format.FORMATS)),
    default="text",
    show_default=True,
)
@env_option
@common_options
def simulate(directory: Path, ticket_file: Path, event: str, fmt: str, env: str | None) -> None:
    """Show which ticket rules a ticket hits, in Halo's order, and the resulting ticket.

    Rules that cannot be decided offline are reported; every assumption about Halo's
    unpublished behaviour is listed with the results that depend on it.
    """
    repo = _checked_repo(directory, env)
    ticket = _read_ticket(ticket_file)
    run = simulate_ticket(repo, ticket, "existing" if event == "existing" else "new")
    click.echo(simulate_format.FORMATS[fmt](run), nl=False)


def _read_ticket(path: Path) -> dict[str, object]:
    """The ticket file's fields, or one error listing every problem with it."""
    parsed = read_yaml(path)
    problems = [d for d in parsed.diagnostics if d.severity is Severity.ERROR]
    documents = [doc for doc in parsed.documents if doc.data is not None]
    if not problems and len(documents) != 1:
        problems = [Diagnostic("expected one mapping of ticket fields", Location(str(path)))]
    if not problems:
        model, problems = validate_document(TicketFile, documents[0].data, file=str(path))
        if model is not None:
            return model.fields()
    raise ConfigErrors("the ticket file is not valid", problems)


@click.command("test")
@click.argument("directory", default=".", type=REPO_PATH)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(testing_format.FORMATS)),
    default="text",
    show_default=True,
)
@env_option
@common_options
def test(directory: Path, fmt: str, env: str | None) -> None:
    """Run the repo's RuleTest and WorkflowTest documents; exit 1 on any failure."""
    results = run_tests(_checked_repo(directory, env))
    click.echo(testing_format.FORMATS[fmt](results), nl=False)
    click.get_current_context().exit(0 if all(r.passed for r in results) else 1)
