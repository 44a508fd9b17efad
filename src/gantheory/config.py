"""Config validation with messages that name the offending key and say what was expected."""

from __future__ import annotations

from pathlib import Path

import jsonschema
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


def parse_settings(text: str) -> dict:
    """A config section handed to a command as JSON (a rule's `params:`), checked to be an object."""
    import json

    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise ConfigError(f"--settings is not valid JSON: {err}") from None
    if not isinstance(value, dict):
        raise ConfigError(f"--settings must be a JSON object, got {type(value).__name__}")
    return value


def merge(base: dict, override: dict) -> dict:
    """Recursively update `base` with `override` (how Snakemake layers --configfile over config.yaml)."""
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value
    return base


def _describe(error: jsonschema.ValidationError) -> str:
    key = ".".join(str(p) for p in error.absolute_path) or "<top level>"
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        prefix = f"{key}." if error.absolute_path else ""
        return f"config key '{prefix}{unknown[0]}' is unknown; expected one of: {', '.join(allowed)}"
    if error.validator == "required":
        missing = error.message.split("'")[1]
        prefix = f"{key}." if error.absolute_path else ""
        return f"config key '{prefix}{missing}' is missing; {_expected(error.schema['properties'].get(missing, {}))}"
    expected = _expected(schema)
    return f"config key '{key}' has bad value {error.instance!r}: {error.message}; {expected}"


def _expected(schema: dict) -> str:
    words = []
    if "type" in schema:
        noun = {"array": "list", "object": "mapping"}.get(schema["type"], schema["type"])
        words.append(f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}")
    if "enum" in schema:
        words.append(f"one of {schema['enum']}")
    for bound, sign in (
        ("minimum", ">="),
        ("exclusiveMinimum", ">"),
        ("maximum", "<="),
        ("exclusiveMaximum", "<"),
        ("minItems", "items >="),
        ("maxItems", "items <="),
    ):
        if bound in schema:
            words.append(f"{sign} {schema[bound]}")
    if "items" in schema and isinstance(schema["items"], dict):
        words.append(f"each item {_expected(schema['items']).removeprefix('expected ')}")
    if "description" in schema:
        words.append(f"({schema['description']})")
    return "expected " + " ".join(words) if words else "see the schema"


def validate(config: dict, schema_path) -> dict:
    """Validate against the JSON schema, then the cross-key rules; raise ConfigError on the first."""
    schema = load_yaml(schema_path)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: [len(e.absolute_path), *map(str, e.absolute_path)])
    if errors:
        raise ConfigError(_describe(errors[0]))
    _check_cross_keys(config)
    return config


def _check_cross_keys(config: dict) -> None:
    e3 = config.get("e3", {})
    if "main_step_size" in e3 and e3["main_step_size"] not in e3.get("step_sizes", []):
        raise ConfigError(
            f"config key 'e3.main_step_size' has bad value {e3['main_step_size']!r}; expected one of "
            f"e3.step_sizes {e3.get('step_sizes')}"
        )
    for key in ("step_sizes", "disc_steps", "ttur_ratios"):
        values = e3.get(key, [])
        if len(set(values)) != len(values):
            raise ConfigError(f"config key 'e3.{key}' has repeated values {values}; expected distinct values")
    e4 = config.get("e4", {})
    for name, dataset in e4.get("datasets", {}).items():
        expected_kind = "image" if name in ("digits", "mnist") else "toy"
        if dataset.get("kind", expected_kind) != expected_kind:
            raise ConfigError(
                f"config key 'e4.datasets.{name}.kind' has bad value {dataset['kind']!r}; "
                f"expected {expected_kind!r} ({name} is a {expected_kind} dataset)"
            )
        for variant in dataset.get("variants", []):
            if variant not in e4.get("variants", {}):
                raise ConfigError(
                    f"config key 'e4.datasets.{name}.variants' names unknown variant {variant!r}; "
                    f"expected one of e4.variants {sorted(e4.get('variants', {}))}"
                )
    reference = config.get("reference_file")
    if reference is not None and not Path(reference).is_file():
        raise ConfigError(f"config key 'reference_file': file '{reference}' does not exist (expected a YAML file)")
