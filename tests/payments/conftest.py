# The payments tests pay acts: they use the contracts of the acts tests.
from tests.acts.conftest import contract, other_contract  # noqa: F401
