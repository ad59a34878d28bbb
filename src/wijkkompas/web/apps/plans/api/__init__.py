"""The plans API: ``plans_router`` at ``/plannen``, ``organisations_router`` at ``/organisaties``.

Importing the modules registers their operations on the shared routers.
"""

from wijkkompas.web.apps.plans.api import goals, interventions, plans
from wijkkompas.web.apps.plans.api.router import organisations_router, router

plans_router = router

__all__ = ["goals", "interventions", "organisations_router", "plans", "plans_router"]
