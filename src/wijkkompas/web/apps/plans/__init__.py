"""The integral, multi-year wijkaanpak: partners, agreements, goals, interventions, budgets."""
