"""pyproject.toml and environment.yml must list the same dependencies, so conda users get what pip users get."""

import tomllib

import yaml
from packaging.requirements import Requirement

from station_kit.config import PROJECT_ROOT


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    lines = project["dependencies"] + project["optional-dependencies"]["test"]
    return {Requirement(line).name.lower(): str(Requirement(line).specifier) for line in lines}


def _environment_requirements() -> dict[str, str]:
    environment = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    lines = []
    for entry in environment["dependencies"]:
        lines.extend(entry["pip"] if isinstance(entry, dict) else [entry])
    requirements = (Requirement(line.replace(" ", "")) for line in lines)
    return {r.name.lower(): str(r.specifier) for r in requirements if r.name not in ("python", "pip")}


def test_environment_yml_lists_what_pyproject_lists():
    assert _environment_requirements() == _pyproject_requirements()


def test_python_version_agrees():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    environment = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    assert f"python{project['requires-python']}" in environment["dependencies"]
