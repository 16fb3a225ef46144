"""The trust's alias table (config/aliases.toml): other names for contract columns and values."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from safeguarding.contract import CONTRACT, DATASETS, ENUMS, normalise_label
from safeguarding.paths import config_dir


class ConfigError(ValueError):
    """A configuration file is wrong; the message names the file and the key."""


@dataclass(frozen=True)
class Aliases:
    # dataset -> normalised header -> contract column
    headers: dict[str, dict[str, str]]
    # (domain, normalised label, value) for every allowed value and alias
    value_labels: tuple[tuple[str, str, str], ...]
    # (priority, normalised pattern, policy_type)
    policy_type_patterns: tuple[tuple[int, str, str], ...]


def load_aliases(path: Path | None = None) -> Aliases:
    path = path or config_dir() / "aliases.toml"
    return _load(path, path.stat().st_mtime_ns if path.exists() else 0)


@functools.lru_cache(maxsize=4)
def _load(path: Path, _mtime: int) -> Aliases:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}).") from None
    return Aliases(
        headers=_header_maps(path, raw.get("headers", {})),
        value_labels=_value_labels(path, raw.get("values", {})),
        policy_type_patterns=_policy_patterns(path, raw.get("policy_type_from_title", {})),
    )


def _header_maps(path: Path, table: dict) -> dict[str, dict[str, str]]:
    unknown = set(table) - set(DATASETS) - {"any"}
    if unknown:
        raise ConfigError(
            f"{path}: [headers.{sorted(unknown)[0]}] is not a dataset; "
            f"use one of {', '.join(DATASETS)} or any."
        )
    maps: dict[str, dict[str, str]] = {}
    for dataset in DATASETS:
        columns = CONTRACT[dataset].column_names
        mapping = {normalise_label(c): c for c in columns}
        for section in ("any", dataset):
            for column, names in table.get(section, {}).items():
                if column not in ALL_COLUMNS:
                    raise ConfigError(
                        f"{path}: [headers.{section}] {column} is not a contract column."
                    )
                if column not in columns:
                    continue
                for name in _names(path, f"headers.{section}.{column}", names):
                    key = normalise_label(name)
                    if mapping.get(key, column) != column:
                        raise ConfigError(
                            f"{path}: [headers.{section}] alias {name!r} points to both "
                            f"{mapping[key]} and {column}; keep one."
                        )
                    mapping[key] = column
        maps[dataset] = mapping
    return maps


ALL_COLUMNS = {c for d in CONTRACT.values() for c in d.column_names}


def _value_labels(path: Path, table: dict) -> tuple[tuple[str, str, str], ...]:
    labels: dict[tuple[str, str], str] = {}
    for domain, values in ENUMS.items():
        for value in values:
            labels[(domain, normalise_label(value))] = value
    for domain, aliases in table.items():
        if domain not in ENUMS:
            raise ConfigError(f"{path}: [values.{domain}] is not an enumerated column.")
        for value, names in aliases.items():
            if value not in ENUMS[domain]:
                raise ConfigError(
                    f"{path}: [values.{domain}] {value} is not an allowed value "
                    f"(allowed: {', '.join(ENUMS[domain])})."
                )
            for name in _names(path, f"values.{domain}.{value}", names):
                key = (domain, normalise_label(name))
                if labels.get(key, value) != value:
                    raise ConfigError(
                        f"{path}: [values.{domain}] alias {name!r} points to both "
                        f"{labels[key]} and {value}; keep one."
                    )
                labels[key] = value
    return tuple((d, k, v) for (d, k), v in sorted(labels.items()))


def _policy_patterns(path: Path, table: dict) -> tuple[tuple[int, str, str], ...]:
    patterns = []
    for i, pair in enumerate(table.get("patterns", [])):
        if not (isinstance(pair, list) and len(pair) == 2):
            raise ConfigError(
                f"{path}: [policy_type_from_title] patterns[{i}] must be [text, policy_type]."
            )
        text, policy_type = pair
        if policy_type not in ENUMS["policy_type"]:
            raise ConfigError(
                f"{path}: [policy_type_from_title] patterns[{i}]: {policy_type!r} is not a "
                "policy type."
            )
        patterns.append((i, normalise_label(text), policy_type))
    return tuple(patterns)


def _names(path: Path, key: str, names) -> list[str]:
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ConfigError(f"{path}: {key} must be a list of names.")
    return names
