"""Events other modules listen to instead of importing the plans module (house rule 10)."""

from django.dispatch import Signal

plan_changed = Signal()
"""Sent after a plan change is committed; kwargs ``plan_id``, ``action``, ``object_type``,
``object_id``."""
