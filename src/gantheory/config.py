"""Reading config files and the settings a job receives; the workflow validates the config itself
(workflow/lib/config_check.py) before any job runs."""

from __future__ import annotations

from pathlib import Path

import yaml


class ConfigError(ValueError):
    """A config value is missing, unknown, mistyped or out of range; the message names the key."""


def load_yaml(path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file '{path}' does not exist (expected a YAML file)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ConfigError(f"config file '{path}' is not valid YAML: {err}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file '{path}' must hold a mapping of keys, got {type(data).__name__}")
    return data


def parse_settings(text: str, flag: str = "--settings") -> dict:
    """A config section handed to a command as JSON (a rule's `params:`), checked to be an object."""
    import json

    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise ConfigError(f"{flag} is not valid JSON: {err}") from None
    if not isinstance(value, dict):
        raise ConfigError(f"{flag} must be a JSON object, got {type(value).__name__}")
    return value


def merge(base: dict, override: dict) -> dict:
    """Recursively update `base` with `override` (how Snakemake layers --configfile over config.yaml)."""
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value
    return base
