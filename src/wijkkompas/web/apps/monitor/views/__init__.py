"""The monitor's pages: the map (:mod:`.maps`), the overview pages (:mod:`.pages`), a region's
profile and downloads (:mod:`.region`), search (:mod:`.search`) and the method (:mod:`.method`)."""
