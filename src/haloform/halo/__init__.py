"""The HTTP client for Halo: auth, rolling-window rate limiter, retries, typed errors.

Everything in haloform that talks to a tenant goes through ``HaloClient``::

    async with HaloClient(Credentials.from_env()) as halo:
        workflows = await halo.list("/Workflow", {"includeinactive": True})
        saved = await halo.post("/Workflow", [payload])
        print(halo.stats.summary())
"""

from haloform.halo.accounting import RequestRecord, RequestStats, route_of
from haloform.halo.client import HaloClient, Params, Records
from haloform.halo.credentials import Credentials
from haloform.halo.ratelimit import RateLimiter
from haloform.halo.retry import RetryPolicy
from haloform.halo.shapes import Record
from haloform.halo.waits import Wait, WaitHook

__all__ = [
    "Credentials",
    "HaloClient",
    "Params",
    "RateLimiter",
    "Record",
    "Records",
    "RequestRecord",
    "RequestStats",
    "RetryPolicy",
    "Wait",
    "WaitHook",
    "route_of",
]
