"""Health: what Halo's runtime records (Automation runs, Events) say about what the repo
manages, for ``haloform health`` and ``apply --watch``.

::

    workflows = await locate(client, declared_workflows(repo))
    report = await check_health(client, "prod", workflows, since, utc_now())
    print(render_health(report, "markdown"))
"""

from haloform.health.check import Watched, check_health, declared_workflows, locate
from haloform.health.model import Failure, HealthReport, UnhandledEvent
from haloform.health.records import parse_duration, parse_timestamp, read_window
from haloform.health.render import FORMATS, render_health
from haloform.health.watch import changed_workflows, poll_interval, utc_now, watch

__all__ = [
    "FORMATS",
    "Failure",
    "HealthReport",
    "UnhandledEvent",
    "Watched",
    "changed_workflows",
    "check_health",
    "declared_workflows",
    "locate",
    "parse_duration",
    "parse_timestamp",
    "poll_interval",
    "read_window",
    "render_health",
    "utc_now",
    "watch",
]
