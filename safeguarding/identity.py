"""Who is signed in, and what their role lets them see (product.md §5).

Identity comes from Streamlit's native sign-in (OIDC, configured in .streamlit/secrets.toml) or
from a trusted reverse-proxy header; the trust's users file (config/users.toml, or
$SAFEGUARDING_USERS) maps each e-mail address to a role and academies. Anyone not in the file
is refused. With neither sign-in configured, the dashboard runs in an explicit demo mode.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from safeguarding.paths import config_dir
from safeguarding.scope import ROLES, Scope

# Roles tied to one academy.
ACADEMY_ROLES = ("dsl", "local_governor")


class UsersFileError(ValueError):
    """The users file cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class User:
    email: str
    role: str
    academies: tuple[str, ...] = ()


def users_file() -> Path:
    return Path(os.environ.get("SAFEGUARDING_USERS", config_dir() / "users.toml"))


def load_users(path: Path | None = None) -> dict[str, User]:
    """Users by lower-cased e-mail address. A missing file means nobody may sign in."""
    path = path or users_file()
    if not path.is_file():
        return {}
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise UsersFileError(f"{path} is not valid TOML: {error}. Fix the file.") from None
    users = {}
    for email, entry in document.get("users", {}).items():
        where = f'{path}: [users."{email}"]'
        if not isinstance(entry, dict):
            raise UsersFileError(f"{where} must be a table with role and academies.")
        role = entry.get("role")
        if role not in ROLES:
            raise UsersFileError(f"{where} role must be one of {', '.join(ROLES)}.")
        academies = entry.get("academies", [])
        if not isinstance(academies, list) or not all(isinstance(a, str) for a in academies):
            raise UsersFileError(f"{where} academies must be a list of academy codes.")
        if role in ACADEMY_ROLES and len(academies) != 1:
            raise UsersFileError(f"{where} a {role} needs exactly one academy.")
        key = email.strip().lower()
        users[key] = User(key, role, tuple(a.strip().upper() for a in academies))
    return users


def scope_for(user: User, every_academy: tuple[str, ...]) -> Scope:
    """The academies and detail a role may see. Academies no longer in the reference drop out."""
    own = tuple(a for a in user.academies if a in every_academy)
    if user.role == "trust_lead":
        return Scope("trust_lead", every_academy, every_academy, False, every_academy)
    if user.role == "dsl":
        # own academy in full; the others only as figures, for comparison
        return Scope("dsl", every_academy, own, False, every_academy)
    if user.role == "governor":
        return Scope("governor", every_academy, (), True, every_academy)
    # local governor: their academy's figures and the trust's totals, never records
    return Scope("local_governor", own, (), True, every_academy)
