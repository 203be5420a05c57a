"""The benchmark's command line: rounds per scale (`--pairs N`, `--pairs SCALE=N`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench  # noqa: E402


def test_default_rounds_are_three_at_s_and_m_and_two_at_l():
    assert bench.pairs_per_scale(bench.parse_args([]).pairs) == {"S": 3, "M": 3, "L": 2}


def test_one_count_for_every_scale_and_a_per_scale_override_wins_in_any_order():
    args = bench.parse_args(["--scales", "M", "L", "--pairs", "L=1", "4"])
    assert bench.pairs_per_scale(args.pairs) == {"S": 4, "M": 4, "L": 1}


@pytest.mark.parametrize("bad", ["0", "X=2", "L=", "L=two"])
def test_bad_rounds_are_refused_with_a_message(bad, capsys):
    with pytest.raises(SystemExit) as exit_info:
        bench.parse_args(["--pairs", bad])
    assert exit_info.value.code == 2
    assert "--pairs" in capsys.readouterr().err
