"""The monitor's part of the API (``/api/v1/``): regions, scores, explanations (:mod:`.regions`),
figures (:mod:`.figures`), their schemas (:mod:`.schemas`) and the store data behind them
(:mod:`.data`). The API itself is assembled in :mod:`wijkkompas.web.api`."""
