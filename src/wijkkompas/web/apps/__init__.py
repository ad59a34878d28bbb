"""Django apps of wijkkompas, one per area of work (monitor first; plans, participation later)."""
