"""The JSON Schema for scenario files (scenarios/schema.json, written by
`samen params --json-schema`): a valid draft-07 schema that accepts every shipped scenario and
refuses malformed ones, so that an editor with a YAML language server flags mistakes as they are
typed."""
import copy
import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "scenarios" / "schema.json"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML reads YAML 1.1, where `on`, `yes` and `no` are booleans; the scenario loader and
    YAML language servers read YAML 1.2, where only true and false are."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def load(text):
    return yaml.load(text, Loader=Yaml12Loader)


@pytest.fixture(scope="module")
def schema():
    return json.loads(SCHEMA_PATH.read_text())


@pytest.fixture(scope="module")
def validator(schema):
    return jsonschema.Draft7Validator(schema)


def test_schema_is_valid_draft7(schema):
    jsonschema.Draft7Validator.check_schema(schema)


def test_schema_is_what_the_binary_writes(samen_bin):
    out = subprocess.run([str(samen_bin), "params", "--json-schema"], capture_output=True, text=True, check=True)
    assert out.stdout == SCHEMA_PATH.read_text(), "run: build/samen params --json-schema > scenarios/schema.json"


def test_schema_names_every_parameter(schema, param_keys):
    props = schema["definitions"]["parameter"]["properties"]
    assert list(props) == param_keys
    for key in param_keys:
        assert key in schema["definitions"]["parameters"]["properties"]
        assert key in schema["definitions"]["condition"]["properties"]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_shipped_scenario_validates(validator, path):
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=schema.json\n")
    errors = sorted(validator.iter_errors(load(text)), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_there_are_many_shipped_scenarios():
    names = {p.stem for p in SCENARIOS}
    for want in ("default", "zeist-it", "mul-bospad", "bzk-advice", "job-bank", "cross-domain-managers",
                 "f-jes-voetbal", "msd-crisis", "zeist-budget-handover", "failure-culture", "rud-mandate",
                 "national", "structure-afterwards"):
        assert want in names


GOOD = """
name: ok
horizon: 104
world:
  organisations:
    - { name: Utrecht, employees: 400, kind: province }
    - { name: Zeist, employees: 550, province: Utrecht, region: 1 }
parameters:
  network: { cross_org_degree: 0.5 }
  momentum.celebrate: true
events:
  - { on: { wins: 2 }, handover: { retain_champion: true } }
conditions:
  a:
  b: { formation: structure_first, description: "assigned" }
  c:
    events:
      - { at: 0, mandate: { deadline_weeks: 52, prescribe_structure: false } }
      - { from: 13, until: 52, review: { interval: 13 } }
      - { on: stall, revival: {} }
      - { at: 0, quick_wins: }
      - { on: exploration, consolidate: {} }
"""


def test_a_good_scenario_validates_and_checks(validator, samen_bin, tmp_path):
    doc = load(GOOD)
    assert not list(validator.iter_errors(doc))
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    out = subprocess.run([str(samen_bin), "check", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def mutate(doc, path, value):
    d = copy.deepcopy(doc)
    node = d
    for k in path[:-1]:
        node = node[k]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return d


DELETE = object()
BAD = {
    "unknown top-level key": (["replicate"], 5),
    "parameter at the top level": (["network.cross_org_degree"], 1),
    "unknown parameter": (["parameters", "network.cros_org_degree"], 1),
    "unknown nested parameter": (["parameters", "network", "crosss"], 1),
    "out of range": (["parameters", "momentum.celebrate"], 2),
    "string for a number": (["parameters", "network", "cross_org_degree"], "0.5"),
    "unknown choice": (["conditions", "b", "formation"], "both"),
    "horizon zero": (["horizon"], 0),
    "unknown organisation key": (["world", "organisations", 0, "size"], 3),
    "unknown kind": (["world", "organisations", 0, "kind"], "county"),
    "organisation without employees": (["world", "organisations", 1, "employees"], DELETE),
    "unknown condition key": (["conditions", "b", "descripton"], "x"),
    "unknown intervention": (["conditions", "c", "events", 0, "mandat"], {}),
    "two interventions": (["conditions", "c", "events", 0, "crisis"], {}),
    "unknown event field": (["conditions", "c", "events", 0, "mandate", "deadline"], 104),
    "event field out of range": (["conditions", "c", "events", 0, "mandate", "deadline_weeks"], 0),
    "mandate without at": (["conditions", "c", "events", 0, "at"], DELETE),
    "timing as field": (["conditions", "c", "events", 0, "mandate", "week"], 3),
    "from on a mandate": (["conditions", "c", "events", 0, "from"], 3),
    "revival on wins": (["conditions", "c", "events", 2, "on"], {"wins": 2}),
    "quick wins later": (["conditions", "c", "events", 3, "at"], 5),
    "consolidate on stall": (["conditions", "c", "events", 4, "on"], "stall"),
    "wins zero": (["events", 0, "on", "wins"], 0),
    "negative week": (["conditions", "c", "events", 1, "from"], -1),
    "events not a list": (["events"], {"at": 3, "crisis": {}}),
    "bad condition name": (["conditions", "a b"], {}),
}


@pytest.mark.parametrize("what", sorted(BAD))
def test_malformed_scenario_is_rejected(validator, what):
    path, value = BAD[what]
    doc = mutate(load(GOOD), path, value)
    assert list(validator.iter_errors(doc)), f"accepted: {what}"


def test_every_bad_event_fixture_is_rejected_or_needs_the_loader(validator):
    """The fixtures under tests/scenarios/bad/ that the schema alone can refuse (the rest need
    the whole file: the horizon, one event of a kind, province names)."""
    needs_loader = {"event_after_horizon", "event_after_inherited_horizon", "event_until_after_horizon",
                    "event_until_before_from", "event_duplicate_kind", "event_duplicate_toplevel",
                    "org_unknown_province", "org_not_province", "org_province_in_province"}
    for path in sorted((ROOT / "tests" / "scenarios" / "bad").glob("event*.yaml")) + \
            sorted((ROOT / "tests" / "scenarios" / "bad").glob("org*.yaml")):
        if path.stem in needs_loader:
            continue
        doc = load(path.read_text())
        assert list(validator.iter_errors(doc)), f"the schema accepts {path.name}"
