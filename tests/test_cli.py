"""The `grader` command line."""

import subprocess
import sys

import pytest

from grader.cli import main
from grader.course import Course


def test_module_entry_point_prints_help():
    proc = subprocess.run([sys.executable, "-m", "grader", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    for command in ("release", "check", "autograde", "leaderboard", "demo"):
        assert command in proc.stdout


def test_unknown_problem_set_is_a_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="unknown problem set 'ps9'"):
        main(["--root", str(tmp_path), "release", "ps9"])


def test_problem_set_without_source_is_a_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="no source notebook yet"):
        main(["--root", str(tmp_path), "release", "ps1_pytorch_intro"])


def test_autograde_with_no_submissions(fresh_course, capsys):
    assert main(["--root", str(fresh_course.root), "autograde", "ps3_conv1d_numpy"]) == 1
    assert "no submissions found" in capsys.readouterr().out


def test_existing_problem_sets(repo_course):
    assert "ps3_conv1d_numpy" in repo_course.existing_problem_sets()
    assert Course("/nonexistent").existing_problem_sets() == []
