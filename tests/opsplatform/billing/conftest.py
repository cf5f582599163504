"""The employees tests' fixtures, for the limit tests that import people."""

from tests.modules.employees.conftest import acme, hr_a  # noqa: F401 - fixtures
from tests.modules.employees.test_import import hr_client, org  # noqa: F401 - fixtures
