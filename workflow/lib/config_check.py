"""Config validation for the workflow, with messages that name the offending key and say what was expected.

Snakemake glue: the Snakefile calls it while parsing, so it needs only what Snakemake itself brings
(PyYAML, jsonschema), never the gantheory package, whose environment may exist only inside the jobs.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml


class ConfigError(ValueError):
    """A config value is missing, unknown, mistyped or out of range; the message names the key."""


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


def validate(config: dict, schema_path, base=".") -> dict:
    """Validate against the JSON schema, then the cross-key rules; raise ConfigError on the first.

    Relative file names in the config (`reference_file`) are resolved against `base`, the workflow's folder."""
    schema = yaml.safe_load(Path(schema_path).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: [len(e.absolute_path), *map(str, e.absolute_path)])
    if errors:
        raise ConfigError(_describe(errors[0]))
    _check_cross_keys(config, Path(base))
    return config


def _check_e2_families(families: dict, generators: dict) -> None:
    """A late grid inside the run and on its chunk grid; a quadrature start where it is defined; a WGAN-GP
    generator step no larger than its critic's (docs/claims.md, E2.4)."""
    for name, family in families.items():
        key, steps = f"e2.families.{name}", family.get("steps", 1)
        late = family.get("late")
        chunk = max(1, steps // 500)  # E2's evaluation chunk (experiments/e2/training.EVALUATION_RESOLUTION)
        if late and (late["count"] * late["every"] > steps or late["every"] % chunk):
            raise ConfigError(
                f"config key '{key}.late' has bad value {late}; expected count x every <= {key}.steps ({steps}) "
                f"and every a multiple of {chunk} (steps // 500, the evaluation chunk)"
            )
        if family.get("start") == "quadrature" and (
            family.get("kind") != "polynomial" or family.get("generators") != ["particles"]
        ):
            raise ConfigError(
                f"config key '{key}.start' is 'quadrature'; expected kind 'polynomial' and generators [particles] "
                "(the quadrature is placed particles at the degree's nodes)"
            )
        if family.get("kind") == "wgan_gp":
            for kind in family.get("generators", ["particles", "mlp"]):
                lr_g = family.get("lr_g", generators.get(kind, {}).get("lr", 0.0))
                if lr_g > family.get("lr_d", 0.0):
                    where = f"{key}.lr_g" if "lr_g" in family else f"e2.generators.{kind}.lr"
                    raise ConfigError(
                        f"config key '{where}' gives {name}'s {kind} generator the step {lr_g}; expected at most "
                        f"{key}.lr_d ({family.get('lr_d')}): the generator's step is <= the critic's (set {key}.lr_g)"
                    )


def _check_e1_power_curve(e1: dict) -> None:
    """The power curve tracks rows the run builds, at increasing step counts (one run, read as it goes)."""
    curve = e1.get("power_curve")
    if not curve:
        return
    unknown = [row for row in curve["rows"] if row not in e1.get("rows", [])]
    if unknown:
        raise ConfigError(
            f"config key 'e1.power_curve.rows' names {unknown}, which e1.rows does not run; expected some of "
            f"e1.rows {e1.get('rows')}"
        )
    if list(curve["steps"]) != sorted(curve["steps"]):
        raise ConfigError(
            f"config key 'e1.power_curve.steps' has bad value {curve['steps']}; expected increasing step counts"
        )


def _check_cross_keys(config: dict, base: Path) -> None:
    _check_e1_power_curve(config.get("e1", {}))
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
    for section in ("e4", "e5"):  # a dataset's variant list names entries of the section's `variants`
        known = config.get(section, {}).get("variants", {})
        for name, dataset in config.get(section, {}).get("datasets", {}).items():
            for variant in dataset.get("variants", []):
                if variant not in known:
                    raise ConfigError(
                        f"config key '{section}.datasets.{name}.variants' names unknown variant {variant!r}; "
                        f"expected one of {section}.variants {sorted(known)}"
                    )
    for name, dataset in config.get("e5", {}).get("datasets", {}).items():  # the dense grid lies inside the run
        dense = dataset.get("dense_evaluations")
        if dense and dense["until"] > dataset["steps"]:
            raise ConfigError(
                f"config key 'e5.datasets.{name}.dense_evaluations.until' has bad value {dense['until']}; "
                f"expected at most e5.datasets.{name}.steps ({dataset['steps']})"
            )
    _check_e2_families(config.get("e2", {}).get("families", {}), config.get("e2", {}).get("generators", {}))
    reference = config.get("reference_file")
    if reference is not None and not (base / reference).is_file():
        raise ConfigError(f"config key 'reference_file': file '{reference}' does not exist (expected a YAML file)")
