"""Domain errors carry message keys, never text: the UI turns each key into a Chinese message beside its field."""

from __future__ import annotations

from dataclasses import dataclass, field


class Key(str):
    """A message parameter that is itself a message key (a state's name, an action's): shown as its text."""


@dataclass(frozen=True)
class FieldError:
    field: str
    key: str
    params: dict = field(default_factory=dict)


class DomainError(Exception):
    """A use case refused its input; nothing was written."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.key}" for e in errors))
        self.errors = errors

    @classmethod
    def on(cls, field_name: str, key: str, **params) -> DomainError:
        return cls([FieldError(field_name, key, params)])

    @classmethod
    def from_validation(cls, error) -> DomainError:
        """Turn pydantic's ValidationError (a form value of the wrong type or length) into field errors."""
        errors = []
        for item in error.errors():
            field_name = str(item["loc"][0]) if item["loc"] else "form"
            limit = (item.get("ctx") or {}).get("max_length")
            if limit is not None:
                errors.append(FieldError(field_name, "form.too_long", {"max_length": limit}))
            else:
                errors.append(FieldError(field_name, "form.invalid_value"))
        return cls(errors)

    def keys(self) -> list[str]:
        return [error.key for error in self.errors]
