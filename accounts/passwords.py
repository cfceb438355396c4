import string

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class CharacterClassValidator:
    """Password policy: at least `min_classes` of upper case, lower case, digits and symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def _classes(self, password: str) -> int:
        checks = (
            any(c in string.ascii_uppercase for c in password),
            any(c in string.ascii_lowercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
        return sum(checks)

    def validate(self, password: str, user=None) -> None:
        if self._classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return ngettext(
            "密码须包含大写字母、小写字母、数字、符号中的至少 %(count)d 类。",
            "密码须包含大写字母、小写字母、数字、符号中的至少 %(count)d 类。",
            self.min_classes,
        ) % {"count": self.min_classes}


def generate_temporary_password() -> str:
    """A one-time password meeting the policy, shown once to the admin who issues the account."""
    import secrets

    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    body = "".join(secrets.choice(alphabet) for _unused in range(10))
    return f"{body[:5]}-{body[5:]}#{secrets.randbelow(90) + 10}"
