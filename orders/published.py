"""What the orders app publishes to the apps below it, as SQL views (they may not import orders).

``orders_contracted_places`` (migration ``orders.0004``) — the places contracted per level under
every contract in force (status ``active``), one row per contract and level; a contract in force
without any level gives one row with ``level`` and ``places`` NULL. Columns:

    contract_id, contract_number, school_id, period_start, period_end, level, places

The checks read it for S05 (contingent above the contracted places); whether a contract covers
the check date D is theirs to ask (``period_start ≤ D ≤ period_end``).
"""

from __future__ import annotations

CONTRACTED_PLACES_VIEW = "orders_contracted_places"
