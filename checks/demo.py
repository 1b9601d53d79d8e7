"""Demo data of this app, called by `seed_demo` (idempotent)."""


def seed(ctx: dict) -> None:
    """Add this app's demo rows; `ctx` carries what earlier apps created (schools, users …)."""
