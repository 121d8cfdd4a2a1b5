"""Password hashing (argon2 via pwdlib) and signed tokens for public forms."""

import hashlib
import hmac
import time
from functools import lru_cache

from pwdlib import PasswordHash

from app.core.config import get_settings


@lru_cache
def password_hasher() -> PasswordHash:
    return PasswordHash.recommended()


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    return password_hasher().verify(password, password_hash)


FORM_TOKEN_MIN_AGE_S = 2  # faster than a person can read and type: a bot
FORM_TOKEN_MAX_AGE_S = 4 * 3600


def _sign(value: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def form_token(now: float | None = None) -> str:
    """A signed timestamp for public forms: proves the form came from us, and when."""
    stamp = str(int(now if now is not None else time.time()))
    return f"{stamp}.{_sign(stamp)}"


def check_form_token(
    token: str, now: float | None = None, min_age_s: float = FORM_TOKEN_MIN_AGE_S
) -> str | None:
    """None when the token is good; otherwise why not."""
    stamp, _, signature = token.partition(".")
    if not stamp.isdigit() or not hmac.compare_digest(signature, _sign(stamp)):
        return "The form has expired. Please try again."
    age = (now if now is not None else time.time()) - int(stamp)
    if age < min_age_s:
        return "That was very quick. Please check the form and send it again."
    if age > FORM_TOKEN_MAX_AGE_S:
        return "The form has expired. Please try again."
    return None
