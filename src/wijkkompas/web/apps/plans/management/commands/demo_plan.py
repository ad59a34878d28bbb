"""``manage.py demo_plan``: create the demo wijkaanpak and accounts (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from wijkkompas.web.apps.plans.demo import prepare_demo


class Command(BaseCommand):
    help = "Create the fully worked demo plan and the demo accounts, on the demo store only."

    def handle(self, *args: Any, **options: Any) -> None:
        plan = prepare_demo()
        if plan is None:
            self.stdout.write("The store holds no demo municipality; nothing to do.")
        else:
            self.stdout.write(f"Demo plan {plan.pk}: {plan.title}")
