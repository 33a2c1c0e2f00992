"""A fast subset of the pattern tests of tests/patterns/ (the full set is `make patterns`).

Each test runs a pattern's experiment from tests/patterns/ with fewer replicates than the full
run and decides it with the same statistics (tests/patterns/stats.py, paired bootstrap intervals
over replicates). Only patterns that hold under the defaults and break in their break regime at
the full run's precision are here; the others are reported in docs/validation.md.
"""
import os
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "patterns"))

import patterns as pt  # noqa: E402
import stats as st  # noqa: E402


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    if not os.path.exists(pt.SAMEN):
        pytest.fail(f"{pt.SAMEN} not built")
    return pt.Ctx(str(tmp_path_factory.mktemp("patterns")), threads=os.cpu_count() or 2, fast=True, quiet=True)


def show(label, e):
    print(f"{label}: {e['est']:+.4g} [{e['lo']:+.4g}, {e['hi']:+.4g}]")


def test_f2_inverted_u_and_costless_break(ctx):
    """F2: value over a fixed structure level is an inverted U with an interior vertex; with
    costless structure (no overhead, crowding-out or rigidity) value does not fall toward S = 1 and full
    structure is as good as the best other level."""
    d = ctx.run(pt.F2, 60)
    res, S, Y = pt.f2_analyse(d)
    show("F2 b2", res["b2"])
    show("F2 vertex", res["vertex"])
    show("F2 slopes left", res["left"])
    show("F2 slopes right", res["right"])
    assert pt.inverted_u(res)
    b = ctx.run("tests/patterns/f2-break-costless.yaml", 60)
    rb, _, Yb = pt.f2_analyse(b)
    broken, de, _, i_other, falls = pt.f2_end_break(S, Yb, rb, 1.0)
    show(f"F2 costless: value(S=1) - value(S={S[i_other]:g})", de)
    assert broken, f"steps that fall: {falls}"


def test_f3_structure_after_success(ctx):
    """F3: consolidating after the first win beats both never consolidating and structure from
    the start, in five-year value (400 replicates; the gaps are about +260 and +700 against a
    replicate sd of the paired difference of about 300 and 550)."""
    d = ctx.run(pt.F3, 400)
    v = pt.summ(d, "summary_value")
    never = pt.est(st.paired_ci(v["after_first_win"], v["never"]))
    start = pt.est(st.paired_ci(v["after_first_win"], v["from_start"]))
    show("F3 after first win - never", never)
    show("F3 after first win - from start", start)
    assert pt.ci_above(never) and pt.ci_above(start)


def test_f5_small_wins_and_break(ctx):
    """F5: success rises with log2 K; it no longer does when wins have no effect on momentum,
    trust or motivation (including the relief of friction after a win)."""
    ks = [f"k{k}" for k in pt.F5_K]
    d = ctx.run(pt.F5, 80, conditions=ks)
    c = pt.cohort_counts(d)
    e, lo, hi, _ = st.bootstrap_stat(pt.f5_slopes(c), len(c["k1"][0]), resamples=500)
    show("F5 slope", dict(est=e, lo=lo, hi=hi))
    assert lo > 0
    b = ctx.run("tests/patterns/f5-break-no-win-effects-no-relief.yaml", 80, conditions=ks)
    cb = pt.cohort_counts(b)
    e, lo, hi, _ = st.bootstrap_stat(pt.f5_slopes(cb), len(cb["k1"][0]), resamples=500)
    show("F5 break slope", dict(est=e, lo=lo, hi=hi))
    assert lo <= 0


def test_f6_champion_and_break(ctx):
    """F6: a designated champion raises success against none; without the champion's momentum
    inflow and retention the effect vanishes."""
    d = ctx.run(pt.F6, 120)
    s = pt.summ(d, "summary_success_launched")
    eff = pt.est(st.paired_ci(s["designated"], s["none"]))
    show("F6 designated - none", eff)
    assert pt.ci_above(eff)
    b = ctx.run("tests/patterns/f6-break-no-champion-effect.yaml", 120)
    sb = pt.summ(b, "summary_success_launched")
    be = pt.est(st.paired_ci(sb["designated"], sb["none"]))
    show("F6 break designated - none", be)
    assert pt.ci_includes_or_below(be)


def test_f9_a_little_structure_and_no_herding_break(ctx):
    """F9: the crisis network with a little structure (S_min = 0.2) delivers more than one without; with
    herding and structure's other benefits off (the extended break, as F2's) it no longer does."""
    both = ["s_min_0", "s_min_0.2"]
    v, _ = pt.crisis_value(ctx.run(pt.F9, 300, conditions=both))
    eff = pt.est(st.paired_ci(v["s_min_0.2"], v["s_min_0"]))
    show("F9 S_min 0.2 - 0", eff)
    assert pt.ci_above(eff)
    vb, _ = pt.crisis_value(ctx.run("tests/patterns/f9-break-no-herding-extended.yaml", 300, conditions=both))
    be = pt.est(st.paired_ci(vb["s_min_0.2"], vb["s_min_0"]))
    show("F9 extended break S_min 0.2 - 0", be)
    assert pt.ci_includes_or_below(be)


def test_f7_reviews_do_not_lower_success(ctx):
    """F7 (non-inferiority): quarterly calibration moments do not lower success by more than 0.02."""
    d = ctx.run(pt.F7, 100, conditions=["none", "q13"])
    s = pt.summ(d, "summary_success_launched")
    e = pt.est(st.paired_ci(s["q13"], s["none"]))
    show("F7 Q13 - none success", e)
    assert e["lo"] > -0.02
    assert int(pt.root_attr(d, "cohort_cutoff")) == pt.F7_CUT


def test_f7_reviews_cut_wasted_hours_and_break(ctx):
    """F7: quarterly calibration moments cut the hours lost in collaborations that fail (the
    5-year cohort followed until its collaborations end); with nothing to re-anchor and the
    kill-or-rescope rule off they no longer do, and frequent reviews only cost value."""
    d = ctx.run(pt.F7, 150, conditions=["none", "q13"], extra=pt.F7_FOLLOW)
    w = pt.cohort_wasted(d, pt.F7_CUT)
    e = pt.est(st.paired_ci(w["q13"], w["none"]))
    show("F7 Q13 - none wasted hours", e)
    assert pt.ci_below(e)
    brk = "tests/patterns/f7-break-nothing-to-reanchor-no-rescope.yaml"
    wb = pt.cohort_wasted(ctx.run(brk, 150, conditions=["none", "q13"], extra=pt.F7_FOLLOW), pt.F7_CUT)
    be = pt.est(st.paired_ci(wb["q13"], wb["none"]))
    show("F7 break Q13 - none wasted hours", be)
    assert pt.ci_includes_or_above(be)
    vb = pt.summ(ctx.run(brk, 150, conditions=["q4", "q52"]), "summary_value")
    v52 = pt.est(st.paired_ci(vb["q52"], vb["q4"]))
    show("F7 break value Q52 - Q4", v52)
    assert pt.ci_above(v52)


def test_f11_handover_leaks_momentum_and_break(ctx):
    """F11: handing a collaboration over to the line costs momentum (E after / E before below 0.7);
    with line staff like the initiators, structure unchanged and the champion kept, the handover
    costs nothing against a handover that changes nothing."""
    d = ctx.run(pt.F11, 100)
    r = pt.handover_ratio(d, "handover")
    show("F11 E after / E before", r)
    assert pt.ci_below(r, 0.7)
    b = ctx.run("tests/patterns/f11-break-line-equals-initiators.yaml", 100)
    rr = pt.handover_ratio(b, "handover_like_initiators", reference="handover_changes_nothing")
    show("F11 break ratio over no-change ratio", rr)
    assert rr["lo"] <= 1 <= rr["hi"]


def test_meta_pattern_sign_varies_and_prim_finds_a_box(ctx):
    """E8 on a small Latin hypercube: network-first minus structure-first success changes sign
    across the space, and PRIM finds a box where structure-first wins that is denser than the
    space as a whole."""
    path = ctx.run("tests/patterns/e8-lhs-small.yaml", 6)
    keys, X, DS, _, _ = pt.design(path)
    m, se, _ = pt.point_means(DS)
    ok = np.isfinite(m)
    y = (m[ok] < 0).astype(float)
    print(f"E8 small: {ok.sum()} points, structure-first wins at {y.mean():.2f}")
    assert 0.1 <= y.mean() <= 0.9
    assert np.any(m[ok] + 1.96 * se[ok] < 0) and np.any(m[ok] - 1.96 * se[ok] > 0)
    full = {k: (float(X[:, j].min()), float(X[:, j].max())) for j, k in enumerate(keys)}
    _, box = st.prim_box(X[ok], y, keys)
    simple, support, density = st.simplify_box(X[ok], y, keys, box[2], full)
    print("PRIM box:", pt.describe_box(simple, full), f"support {support:.2f} density {density:.2f}")
    assert simple and support >= 0.05 and density > y.mean() + 0.2


def test_seed_offset_shifts_every_run(tmp_path):
    """The replication run of the patterns: every experiment, pilots included, runs with its
    scenario's seed plus the offset, and the file records the seed it ran with."""
    ctx = pt.Ctx(str(tmp_path), threads=1, fast=True, quiet=True, seed_offset=104729)
    scen = "tests/patterns/f11-handover.yaml"
    plain = pt.Ctx(str(tmp_path / "plain"), threads=1, fast=True, quiet=True).seed_of(scen)
    assert ctx.seed_of(scen) == plain + 104729
    path = ctx.run(scen, 2)
    assert int(pt.root_attr(path, "seed")) == plain + 104729
    assert f"--seed {plain + 104729}" in ctx.experiments["f11-handover"]["command"]
