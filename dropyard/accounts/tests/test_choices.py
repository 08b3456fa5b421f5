from dropyard.accounts.choices import OperatorRole
from dropyard.core.access import OPERATOR_ADMIN


def test_operator_admin_is_the_role_core_lets_everywhere():
    assert OperatorRole.ADMIN == OPERATOR_ADMIN
