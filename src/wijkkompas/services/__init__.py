"""Use cases: what joins the analytic store, the index engine, the catalogue and the plans.

The domain packages (``index``, ``catalogue``, ``budgeting``, ``survey``, ``plans``,
``regions``) compute and know nothing of files, databases or the web; the adapters (``store``,
``sources``, ``web``, ``cli``, ``reports``) read, write and show. A service combines them for
one thing a user does: score the store, fit a yardstick, measure a goal, fetch a table. The
import contract in ``pyproject.toml`` (``lint-imports`` in ``make lint``) holds that shape.
"""
