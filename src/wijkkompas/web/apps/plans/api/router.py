"""The one router behind ``/plannen``; the modules beside it add their operations to it.

One router rather than nested ones: ninja joins a nested router's empty prefix with a slash,
which would turn ``/plannen`` into ``/plannen/`` (the API rules forbid trailing slashes).
"""

from ninja import Router

router = Router(tags=["plannen"])
organisations_router = Router(tags=["organisaties"])
