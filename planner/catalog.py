"""Exercise catalog: load and validate the TOML catalog, and present it as JSON or a table.

The loader checks the whole file before giving up, so a person fixing a catalog sees every
problem at once: each line names the file, the entry (exercise id, or its position when the id is
missing) and the field.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from planner.domain import Catalog, Chain, Dose, Exercise, Range
from planner.errors import CatalogError

MAX_CATALOG_BYTES = 1024 * 1024
"""Largest catalog file accepted (1 MiB); a real catalog is a few tens of kilobytes."""

MAX_EXERCISES = 500
"""Most exercises a catalog may hold; keeps the solver model and the app tables small."""

DOSE_MAX = {"sets": 10, "reps": 100, "hold_s": 600}
"""Largest sets, reps per set and seconds per hold a catalog may prescribe: ten sets, a hundred
reps or a ten-minute hold are already far beyond any of the source articles."""

DEFAULT_CATALOG = Path(str(files("catalogs").joinpath("exercises.toml")))
"""The catalog shipped with the package, found through the installed `catalogs` package."""

_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_EXERCISE_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*exercise[ \t]*\]\]", re.MULTILINE)
_TOP_LEVEL_KEYS = ("chain", "exercise")
_CHAIN_KEYS = ("id", "name")
_RANGE_FIELDS = ("sets", "reps", "hold_s")


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Read and validate a TOML catalog; the shipped one when `path` is None.

    Raises CatalogError listing every problem found, one per line.
    """
    file = Path(path) if path is not None else DEFAULT_CATALOG
    try:
        return _load(file)
    except RecursionError:  # tomllib, json and pydantic recurse once per nesting level
        raise CatalogError(
            "catalog file is not valid TOML: arrays or tables are nested too deeply",
            where=str(file),
            hint="an exercise nests at most three levels (dose.sets = [min, max])",
        ) from None


def _load(file: Path) -> Catalog:
    text = _read_text(file)
    data = _parse_toml(text, file)
    entries = data.get("exercise")
    if isinstance(entries, list) and len(entries) > MAX_EXERCISES:
        raise CatalogError(
            f"catalog holds {len(entries)} exercises, over the limit of {MAX_EXERCISES}",
            where=str(file),
            hint="split it or remove unused exercises",
        )
    problems: list[str] = []
    chain_names = _check_chains(data.get("chain", []), problems)
    checked = _check_exercises(entries, _entry_lines(text), problems)
    problems.extend(f"unknown top-level key {key!r}" for key in data if key not in _TOP_LEVEL_KEYS)
    chains = _build_chains(checked, chain_names, problems)
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        lines = "\n".join(f"{file}: {problem}" for problem in problems)
        raise CatalogError(
            f"{count} in the exercise catalog:\n{lines}",
            where=str(file),
            hint="fix the listed entries; the header comment of the shipped catalog "
            "explains every field",
        )
    return Catalog(exercises=checked.exercises, chains=chains, source=str(file))


def catalog_to_json(catalog: Catalog) -> dict[str, Any]:
    """The catalog as plain JSON-serialisable data: {"exercises": [...], "chains": [...]}."""
    return {
        "source": catalog.source,
        "exercises": [exercise.model_dump(mode="json") for exercise in catalog.exercises],
        "chains": [chain.model_dump(mode="json") for chain in catalog.chains],
    }


def dose_summary(exercise: Exercise) -> str:
    """A short reading of the dose, e.g. '4 x 8-10 /side' or '3-4 x 15 s'."""
    dose = exercise.dose
    if dose.reps is not None:
        amount = _span(dose.reps)
    else:
        assert dose.hold_s is not None  # Dose guarantees exactly one of reps / hold_s
        amount = f"{_span(dose.hold_s)} s"
    side = " /side" if exercise.per_side else ""
    return f"{_span(dose.sets)} x {amount}{side}"


def catalog_table(catalog: Catalog) -> list[dict[str, Any]]:
    """One row per exercise, in chain order then level, warm-up primers last, for a table."""
    places = [
        (chain.name, chain.id, level, catalog.exercise(exercise_id))
        for chain in catalog.chains
        for level, exercise_id in enumerate(chain.levels, start=1)
    ]
    places += [
        ("Warm-up primer before " + ", ".join(e.primes), "", "", e)
        for e in catalog.exercises
        if e.warm_up_primer
    ]
    return [
        {
            "chain": chain_name,
            "chain_id": chain_id,
            "level": level,
            "id": exercise.id,
            "name": exercise.name,
            "load": exercise.load.value,
            "role": exercise.role.value,
            "dose": dose_summary(exercise),
            "tempo": exercise.dose.tempo or "",
            "rest_s": exercise.dose.rest_s,
            "equipment": _equipment_text(exercise.equipment),
            "eccentric": "yes" if exercise.eccentric else "",
            "beyond_articles": "yes" if exercise.beyond_articles else "",
        }
        for chain_name, chain_id, level, exercise in places
    ]


# ----------------------------------------------------------------------------- reading


def _read_text(file: Path) -> str:
    where = str(file)
    if not file.exists():
        raise CatalogError("catalog file not found", where=where, hint="check the path")
    if not file.is_file():
        raise CatalogError(
            "catalog path is not a regular file", where=where, hint="give a .toml file"
        )
    size = file.stat().st_size
    if size > MAX_CATALOG_BYTES:
        raise CatalogError(
            f"catalog file is {size:,} bytes, over the {MAX_CATALOG_BYTES:,}-byte limit",
            where=where,
            hint="a catalog is a small TOML file; is this the right file?",
        )
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise CatalogError(f"cannot read catalog file: {error.strerror}", where=where) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CatalogError(
            f"catalog file is not UTF-8 text (bad byte at offset {error.start})",
            where=where,
            hint="save the file as UTF-8",
        ) from None


def _parse_toml(text: str, file: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(
            f"catalog file is not valid TOML: {error}",
            where=str(file),
            hint="see the header comment of the shipped catalog for the format",
        ) from None


def _entry_lines(text: str) -> list[int]:
    """Line number of each `[[exercise]]` header, to point at entries in the file."""
    return [text.count("\n", 0, match.start()) + 1 for match in _EXERCISE_HEADER.finditer(text)]


# ----------------------------------------------------------------------------- checking


def _check_chains(raw: Any, problems: list[str]) -> dict[str, str]:
    """Validate the [[chain]] tables; returns chain id -> display name, in file order."""
    if not _is_table_list(raw):
        problems.append("'chain' must be a list of [[chain]] tables")
        return {}
    names: dict[str, str] = {}
    for index, entry in enumerate(raw, start=1):
        label = f"chain {entry.get('id')!r}" if isinstance(entry.get("id"), str) else None
        label = label or f"chain #{index}"
        problems.extend(label + p for p in _unknown_keys(entry, _CHAIN_KEYS, ""))
        chain_id, name = entry.get("id"), entry.get("name")
        if not isinstance(chain_id, str) or not _ID_PATTERN.match(chain_id):
            problems.append(f"{label}, field 'id': needs a kebab-case string, got {chain_id!r}")
            continue
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{label}, field 'name': needs a non-empty string, got {name!r}")
            name = chain_id
        if chain_id in names:
            problems.append(f"{label}: chain id declared twice")
        names[chain_id] = name
    return names


@dataclass
class _Checked:
    """Outcome of checking the [[exercise]] tables."""

    exercises: list[Exercise] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # exercise id -> how to point at it
    broken_chains: set[str] = field(default_factory=set)  # chains with an entry left out


def _check_exercises(raw: Any, lines: list[int], problems: list[str]) -> _Checked:
    """Validate every [[exercise]] table; keeps the valid ones."""
    checked = _Checked()
    if raw is None:
        problems.append("no [[exercise]] tables: a catalog needs at least one exercise")
        return checked
    if not _is_table_list(raw):
        problems.append("'exercise' must be a list of [[exercise]] tables")
        return checked
    if len(lines) != len(raw):  # entries written as inline tables: no reliable line numbers
        lines = []
    first_index: dict[str, int] = {}
    for index, entry in enumerate(raw, start=1):
        label = _entry_label(entry, index, lines)
        entry_problems = _entry_problems(entry)
        exercise = None
        if not entry_problems:
            try:
                # JSON strict mode: no silent coercion ("yes" -> True, 8.5 -> 8), while enum
                # fields still accept their string values.
                text = json.dumps(entry, allow_nan=False)
                exercise = Exercise.model_validate_json(text, strict=True)
            except ValidationError as error:
                entry_problems = [_describe(detail) for detail in error.errors()]
            except ValueError:  # json.dumps refuses nan and inf
                entry_problems = [": numbers must be finite (no nan or inf)"]
        if exercise is not None:
            entry_problems = _zero_dose_problems(exercise)
            exercise = None if entry_problems else exercise
        problems.extend(f"{label}{problem}" for problem in entry_problems)
        if exercise is not None and exercise.id in first_index:
            problems.append(
                f"{label}, field 'id': duplicate id {exercise.id!r}, "
                f"already used by entry #{first_index[exercise.id]}"
            )
            exercise = None
        if exercise is None:
            # Its chain is missing a level now; saying so again would only add noise.
            if isinstance(entry.get("chain"), str):
                checked.broken_chains.add(entry["chain"])
            continue
        first_index[exercise.id] = index
        checked.labels[exercise.id] = label
        checked.exercises.append(exercise)
    return checked


def _entry_problems(entry: dict[str, Any]) -> list[str]:
    """Problems pydantic would not report: unknown keys, TOML dates and times."""
    problems = _unknown_keys(entry, tuple(Exercise.model_fields), "")
    dose = entry.get("dose")
    if isinstance(dose, dict):
        problems += _unknown_keys(dose, tuple(Dose.model_fields), "dose.")
        for key in _RANGE_FIELDS:
            if isinstance(dose.get(key), dict):
                problems += _unknown_keys(dose[key], tuple(Range.model_fields), f"dose.{key}.")
    problems += [
        f", field {location!r}: dates and times are not allowed here, got {value}"
        for location, value in _dates(entry, "")
    ]
    return problems


def _zero_dose_problems(exercise: Exercise) -> list[str]:
    """Range allows 0, but a dose of zero sets, reps or seconds prescribes nothing; and a dose
    above DOSE_MAX is a typo that would overflow the solver's integer session minutes."""
    problems = []
    for key in _RANGE_FIELDS:
        value = getattr(exercise.dose, key)
        if value is not None and value.min < 1:
            problems.append(f", field 'dose.{key}': must be at least 1, got {value.min}")
        if value is not None and value.max > DOSE_MAX[key]:
            shown = str(value.max) if len(str(value.max)) <= 20 else f"{str(value.max)[:17]}..."
            problems.append(f", field 'dose.{key}': must be at most {DOSE_MAX[key]}, got {shown}")
    return problems


def _build_chains(checked: _Checked, names: dict[str, str], problems: list[str]) -> list[Chain]:
    """Check chain membership and level numbering; build chains with levels ordered."""
    members: dict[str, list[Exercise]] = defaultdict(list)
    for exercise in checked.exercises:
        problems.extend(
            f"{checked.labels[exercise.id]}, field 'primes': chain {chain!r} is not declared"
            for chain in exercise.primes
            if chain not in names
        )
        if exercise.chain is None:
            continue  # a warm-up primer, in no chain
        if exercise.chain not in names:
            declared = ", ".join(names) or "none"
            problems.append(
                f"{checked.labels[exercise.id]}, field 'chain': chain {exercise.chain!r} is not "
                f"declared in a [[chain]] table (declared: {declared})"
            )
            continue
        members[exercise.chain].append(exercise)
    chains = []
    for chain_id, name in names.items():
        levels = sorted(members[chain_id], key=lambda e: e.level)
        if chain_id in checked.broken_chains:
            pass  # an entry of this chain was rejected: its levels cannot be judged
        elif not levels:
            problems.append(f"chain {chain_id!r}: no exercise belongs to it")
        else:
            problems.extend(_level_problems(chain_id, levels, checked.labels))
        chains.append(Chain(id=chain_id, name=name, levels=[e.id for e in levels]))
    return chains


def _level_problems(chain_id: str, levels: list[Exercise], labels: dict[str, str]) -> list[str]:
    """Levels of a chain must be exactly 1..n: no duplicates, no gaps."""
    problems = []
    counts = Counter(e.level for e in levels)
    for level, count in sorted(counts.items()):
        if count > 1:
            ids = ", ".join(repr(e.id) for e in levels if e.level == level)
            first = next(e for e in levels if e.level == level)
            problems.append(
                f"{labels[first.id]}, field 'level': level {level} of chain {chain_id!r} is "
                f"used by {count} exercises ({ids})"
            )
    missing = sorted(set(range(1, max(counts) + 1)) - set(counts))
    if missing:
        above = next(e for e in levels if e.level > missing[0])
        problems.append(
            f"{labels[above.id]}, field 'level': chain {chain_id!r} has no level "
            f"{', '.join(map(str, missing))}; levels must run 1..n without gaps"
        )
    return problems


# ----------------------------------------------------------------------------- helpers


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _entry_label(entry: dict[str, Any], index: int, lines: list[int]) -> str:
    where = f"entry #{index}" + (f", line {lines[index - 1]}" if lines else "")
    entry_id = entry.get("id")
    if isinstance(entry_id, str) and entry_id:
        return f"exercise {entry_id!r} ({where})"
    return f"exercise {where} (no id)"


def _unknown_keys(table: dict[str, Any], known: tuple[str, ...], prefix: str) -> list[str]:
    problems = []
    for key in table:
        if key in known:
            continue
        close = difflib.get_close_matches(key, known, n=1)
        advice = f"did you mean {prefix + close[0]!r}?" if close else f"allowed: {', '.join(known)}"
        problems.append(f", field {prefix + key!r}: unknown key ({advice})")
    return problems


def _dates(value: Any, loc: str) -> list[tuple[str, Any]]:
    """(location, value) of every TOML date/time inside `value`."""
    if isinstance(value, dt.date | dt.time):
        return [(loc, value)]
    if isinstance(value, dict):
        return [hit for k, v in value.items() for hit in _dates(v, f"{loc}.{k}".lstrip("."))]
    if isinstance(value, list):
        return [hit for i, v in enumerate(value) for hit in _dates(v, f"{loc}[{i}]")]
    return []


def _describe(detail: Any) -> str:
    """One pydantic error as ', field 'dose.sets': message (got ...)'."""
    location = ""
    for part in detail["loc"]:
        location += f"[{part}]" if isinstance(part, int) else f".{part}"
    location = location.lstrip(".") or "(entry)"
    message = detail["msg"].removeprefix("Value error, ")
    if detail["type"] == "model_type" and location.endswith(_RANGE_FIELDS):
        message = "needs a whole number or a [min, max] pair of whole numbers"
    if detail["type"] == "missing":
        return f", field {location!r}: missing required field"
    got = detail.get("input")
    if isinstance(got, dict | list) or got is None:
        return f", field {location!r}: {message}"
    shown = repr(got)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return f", field {location!r}: {message} (got {shown})"


def _span(value: Range) -> str:
    return str(value.min) if value.min == value.max else f"{value.min}-{value.max}"


def _equipment_text(needs: list[list[str]]) -> str:
    return " + ".join(" or ".join(need) for need in needs) or "bodyweight"


__all__ = [
    "DEFAULT_CATALOG",
    "DOSE_MAX",
    "MAX_CATALOG_BYTES",
    "MAX_EXERCISES",
    "catalog_table",
    "catalog_to_json",
    "dose_summary",
    "load_catalog",
]
