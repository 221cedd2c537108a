"""The pip requirements and the conda environment pin the same packages."""

import re

import yaml

from grader.course import REPO_ROOT


def pip_pins():
    lines = (REPO_ROOT / "requirements.txt").read_text().splitlines()
    return {line.split("==")[0].lower(): line.split("==")[1] for line in lines
            if line.strip() and not line.startswith("#")}


def conda_env():
    return yaml.safe_load((REPO_ROOT / "environment.yml").read_text())


def test_requirements_are_all_exact_pins():
    for line in (REPO_ROOT / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][A-Za-z0-9.+]*", line), f"not an exact pin: {line}"


def test_environment_yml_pins_what_requirements_pin():
    deps = conda_env()["dependencies"]
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    conda_pins = {e.split("==")[0].lower(): e.split("==")[1] for e in pip_section if "==" in e}
    assert conda_pins == pip_pins()


def test_python_version_agrees():
    deps = conda_env()["dependencies"]
    assert "python=3.11" in deps
    assert 'requires-python = ">=3.11,<3.12"' in (REPO_ROOT / "pyproject.toml").read_text()


def test_course_pins_the_torch_versions_the_course_needs():
    pins = pip_pins()
    assert pins["torch"] == "2.14.1" and pins["torchvision"] == "0.29.1"
    assert pins["nbgrader"].startswith("0.9.")
    assert pins["jupyterlab"].startswith("4.")
