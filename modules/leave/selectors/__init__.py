"""Every non-trivial read of the leave module (other modules use these)."""

from modules.leave.selectors.balances import balance_on, balances_of, bookable

__all__ = ["balance_on", "balances_of", "bookable"]
