"""Login throttling that slows an attacker without locking the account's owner out.

Three counts of failed logins, all kept in the rate-limit storage (``RATELIMIT_STORAGE_URI``, shared by every
process when it is Redis):

1. **Per network address** (``LOGIN_FAILURE_LIMIT``, on the login view itself): one address guessing passwords,
   of one account or of many, is stopped.
2. **Per account and address** (``LOGIN_ACCOUNT_FAILURE_LIMIT``): an address that keeps failing on one account
   stops being heard for that account. Nobody else is affected, so strangers cannot lock the owner out.
3. **Per account, from every address** (``LOGIN_ACCOUNT_ATTACK_LIMIT``, much higher): past it the account is
   under attack from many addresses, and every address that has already failed on it in the account-and-address
   window is refused; an address that has not been failing (the owner's, as a rule) still logs in with the right
   password. An attacker with many addresses gets one guess per address instead of a handful, and no request is
   ever made to wait (a delay would hold a worker and be a denial of service of its own).

A successful login forgets the failures of its address on the account, so a few typos before the right password
cost nothing later. Counts are keyed by the e-mail as typed (normalised), whether or not it has an account, so
the answers never tell which addresses exist.
"""

from __future__ import annotations

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many

from ..extensions import limiter

_PAIR = "login-failures-account-address"
_ACCOUNT = "login-failures-account"


def _limits(setting: str) -> list[RateLimitItem]:
    return parse_many(current_app.config[setting])


def _keys(email: str) -> tuple[str, str]:
    return email.strip().lower()[:254], get_remote_address() or ""


def refused(email: str) -> bool:
    """Whether a login to ``email`` from this request's address must be refused without checking the password."""
    account, address = _keys(email)
    strategy = limiter.limiter
    pair_limits = _limits("LOGIN_ACCOUNT_FAILURE_LIMIT")
    if not all(strategy.test(limit, _PAIR, account, address) for limit in pair_limits):
        return True
    under_attack = not all(
        strategy.test(limit, _ACCOUNT, account) for limit in _limits("LOGIN_ACCOUNT_ATTACK_LIMIT")
    )
    if not under_attack:
        return False
    return any(
        strategy.get_window_stats(limit, _PAIR, account, address).remaining < limit.amount
        for limit in pair_limits
    )


def record_failure(email: str) -> None:
    """Count a failed login to ``email`` from this request's address."""
    account, address = _keys(email)
    strategy = limiter.limiter
    for limit in _limits("LOGIN_ACCOUNT_FAILURE_LIMIT"):
        strategy.hit(limit, _PAIR, account, address)
    for limit in _limits("LOGIN_ACCOUNT_ATTACK_LIMIT"):
        strategy.hit(limit, _ACCOUNT, account)


def forget_failures(email: str) -> None:
    """After a successful login, this address's earlier failures on the account no longer count."""
    account, address = _keys(email)
    for limit in _limits("LOGIN_ACCOUNT_FAILURE_LIMIT"):
        limiter.limiter.clear(limit, _PAIR, account, address)
