# The R04 tests pay acts: they use the contracts of the acts tests.
from tests.acts.conftest import contract  # noqa: F401
