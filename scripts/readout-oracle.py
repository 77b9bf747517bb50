#!/usr/bin/env python3
"""readout-oracle.py - expected values for the readout statistics core (src/readout/stats/), computed
by independent references: scipy (distributions, Welch t on raw rows, chisquare), statsmodels
(multipletests) and GrowthBook's own engine, gbstats (PyPI), for lift, ratio, sequential, Bayesian
and CUPED. The TypeScript tests compare against its output to 1e-6 (test/unit/readout-stats-*.test.ts).

    python scripts/readout-oracle.py > test/fixtures/readout-oracle.json   # regenerate
    python scripts/readout-oracle.py --check test/fixtures/readout-oracle.json  # npm test runs this

Pinned environment: scripts/readout-oracle-requirements.txt, installed into a venv in the cache by
scripts/install-test-deps.sh. Inputs are fixed or drawn from a seeded numpy Generator, so the output
is reproducible. Where gbstats 0.8.0 (the newest on PyPI) differs from GrowthBook HEAD, the expected
value comes from a textbook formula written here (`reference`), and on every case where both apply
the script asserts that the two agree, so neither source is taken on trust.
"""
import json
import math
import sys
from importlib.metadata import version

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

from gbstats.bayesian.tests import EffectBayesianABTest, EffectBayesianConfig, GaussianPrior
from gbstats.frequentist.tests import (FrequentistConfig, SequentialConfig, SequentialTwoSidedTTest,
                                       TwoSidedTTest)
from gbstats.models.statistics import (ProportionStatistic, RatioStatistic, RegressionAdjustedStatistic,
                                       SampleMeanStatistic, compute_theta)
from gbstats.utils import check_srm

AGREE = 1e-10  # relative agreement demanded between two references


def close(x, y, tol=AGREE):
    return abs(x - y) <= tol * max(1.0, abs(x), abs(y))


def assert_close(what, x, y, tol=AGREE):
    if not close(x, y, tol):
        sys.exit(f"oracle self-check failed: {what}: {x!r} != {y!r}")


# ---- statistics in gbstats form -------------------------------------------------------------------
def gb_stat(s):
    n = s["n"]
    if s["type"] == "ratio":
        return RatioStatistic(n=n, m_statistic=SampleMeanStatistic(n=n, sum=s["numeratorSum"], sum_squares=s["numeratorSumSquares"]),
                              d_statistic=SampleMeanStatistic(n=n, sum=s["denominatorSum"], sum_squares=s["denominatorSumSquares"]),
                              m_d_sum_of_products=s["productSum"])
    post = (ProportionStatistic(n=n, sum=s["conversions"]) if s["type"] == "proportion"
            else SampleMeanStatistic(n=n, sum=s["sum"], sum_squares=s["sumSquares"]))
    c = s.get("covariate")
    if c is None:
        return post
    pre = (ProportionStatistic(n=n, sum=c["sum"]) if s["type"] == "proportion"
           else SampleMeanStatistic(n=n, sum=c["sum"], sum_squares=c["sumSquares"]))
    return RegressionAdjustedStatistic(n=n, post_statistic=post, pre_statistic=pre,
                                       post_pre_sum_of_products=c["productSum"], theta=0)


def gbstats_expected(control, treatment, o):
    """GrowthBook's engine. Applies where 0.8.0 matches HEAD: positive control mean, no relative CUPED."""
    diff = o.get("difference", "relative")
    alpha = o.get("alpha", 0.05)
    a, b = gb_stat(control), gb_stat(treatment)
    if "sequential" in o:
        cfg = SequentialConfig(difference_type=diff, alpha=alpha, sequential_tuning_parameter=o["sequential"]["tuning"])
        freq = SequentialTwoSidedTTest(a, b, cfg)
    else:
        freq = TwoSidedTTest(a, b, FrequentistConfig(difference_type=diff, alpha=alpha))
    fr = freq.compute_result()
    prior = o.get("prior")
    gp = (GaussianPrior(mean=prior["mean"], variance=prior["stddev"] ** 2, proper=True) if prior
          else GaussianPrior(proper=False))
    by = EffectBayesianABTest(gb_stat(control), gb_stat(treatment),
                              EffectBayesianConfig(difference_type=diff, alpha=alpha, prior_effect=gp)).compute_result()
    out = {"estimate": fr.expected, "standardError": fr.uplift.stddev, "ci": list(fr.ci), "pValue": fr.p_value,
           "chanceToWin": by.chance_to_win, "posteriorMean": by.expected, "credibleInterval": list(by.ci)}
    if fr.error_message is None:
        out["degreesOfFreedom"] = freq.dof
    if isinstance(a, RegressionAdjustedStatistic):
        out["theta"] = a.theta
    return out, fr.error_message


# ---- textbook reference, written from the formulas (docs/readout-statistics.md) ---------------------
def moments(s):
    n = s["n"]
    if s["type"] == "proportion":
        p = s["conversions"] / n
        return p, p * (1 - p), s["conversions"]
    if s["type"] == "mean":
        return s["sum"] / n, (s["sumSquares"] - s["sum"] ** 2 / n) / (n - 1), s["sum"]
    mm, md = s["numeratorSum"] / n, s["denominatorSum"] / n
    vm = (s["numeratorSumSquares"] - s["numeratorSum"] ** 2 / n) / (n - 1)
    vd = (s["denominatorSumSquares"] - s["denominatorSum"] ** 2 / n) / (n - 1)
    cov = (s["productSum"] - s["numeratorSum"] * s["denominatorSum"] / n) / (n - 1)
    return mm / md, vm / md ** 2 + vd * mm ** 2 / md ** 4 - 2 * cov * mm / md ** 3, None


def pre_moments(s):
    c, n = s["covariate"], s["n"]
    if s["type"] == "proportion":
        p = c["sum"] / n
        return p, p * (1 - p)
    return c["sum"] / n, (c["sumSquares"] - c["sum"] ** 2 / n) / (n - 1)


def reference(control, treatment, o):
    relative = o.get("difference", "relative") == "relative"
    alpha = o.get("alpha", 0.05)
    na, nb = control["n"], treatment["n"]
    ya, va, suma = moments(control)
    yb, vb, sumb = moments(treatment)
    out = {}
    if "covariate" in control:
        # CUPED (Deng et al. 2013) with theta from the pooled arms, gbstats compute_theta
        n = na + nb
        ca, cb = control["covariate"], treatment["covariate"]
        if control["type"] == "proportion":
            py, px = (suma + sumb) / n, (ca["sum"] + cb["sum"]) / n
            vy_joint, vx_joint = py * (1 - py), px * (1 - px)
        else:
            vy_joint = (control["sumSquares"] + treatment["sumSquares"] - (suma + sumb) ** 2 / n) / (n - 1)
            vx_joint = (ca["sumSquares"] + cb["sumSquares"] - (ca["sum"] + cb["sum"]) ** 2 / n) / (n - 1)
        cov_joint = (ca["productSum"] + cb["productSum"] - (suma + sumb) * (ca["sum"] + cb["sum"]) / n) / (n - 1)
        theta = cov_joint / vx_joint if vx_joint and vy_joint else 0.0
        xa, vxa = pre_moments(control)
        xb, vxb = pre_moments(treatment)
        cova = (ca["productSum"] - suma * ca["sum"] / na) / (na - 1)
        covb = (cb["productSum"] - sumb * cb["sum"] / nb) / (nb - 1)
        adj_va, adj_vb = va + theta ** 2 * vxa - 2 * theta * cova, vb + theta ** 2 * vxb - 2 * theta * covb
        delta = (yb - theta * xb) - (ya - theta * xa)
        if relative:
            # gbstats frequentist_variance_relative_cuped (GrowthBook HEAD, docs cuped-technical)
            var = adj_vb / (nb * ya ** 2) + (va * yb ** 2 / ya ** 2 - 2 * theta * cova * yb / ya + theta ** 2 * vxa) / (na * ya ** 2)
            est = delta / abs(ya)
        else:
            var, est = adj_va / na + adj_vb / nb, delta
        va, vb = adj_va, adj_vb
        out["theta"] = theta
    elif relative:
        est = (yb - ya) / abs(ya)
        var = vb / (nb * ya ** 2) + va * yb ** 2 / (na * ya ** 4)  # delta method
    else:
        est, var = yb - ya, va / na + vb / nb
    se = math.sqrt(var)
    df = (va / na + vb / nb) ** 2 / ((va / na) ** 2 / (na - 1) + (vb / nb) ** 2 / (nb - 1))  # Welch-Satterthwaite
    if "sequential" in o:
        N, tuning = na + nb, o["sequential"]["tuning"]
        rho2 = (-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / tuning
        half = se * math.sqrt(N) * math.sqrt(2 * (N * rho2 + 1) * math.log(math.sqrt(N * rho2 + 1) / alpha) / (N ** 2 * rho2))
        evalue = math.exp(rho2 * (est ** 2 * N / var) / (2 * (N * rho2 + 1))) / math.sqrt(N * rho2 + 1)
        ci, p = [est - half, est + half], min(1.0, 1 / evalue)
    else:
        half = stats.t.ppf(1 - alpha / 2, df) * se
        ci, p = [est - half, est + half], 2 * stats.t.sf(abs(est) / se, df)
    prior = o.get("prior")
    if prior:
        scale = 1 if relative else abs(ya)
        pm, pv = prior["mean"] * scale, (prior["stddev"] * scale) ** 2
        post_v = 1 / (1 / var + 1 / pv)
        post_m = (est / var + pm / pv) * post_v
    else:
        post_m, post_v = est, var
    post_s = math.sqrt(post_v)
    out.update({"estimate": est, "standardError": se, "ci": ci, "pValue": p, "degreesOfFreedom": df,
                "chanceToWin": float(stats.norm.sf(0, post_m, post_s)), "posteriorMean": post_m,
                "credibleInterval": [float(x) for x in stats.norm.ppf([alpha / 2, 1 - alpha / 2], post_m, post_s)]})
    return out


# ---- inputs -----------------------------------------------------------------------------------------
rng = np.random.default_rng(20261202)


def f(x):
    return float(x)


def mean_stats(y, x=None):
    s = {"type": "mean", "n": len(y), "sum": f(y.sum()), "sumSquares": f((y * y).sum())}
    if x is not None:
        s["covariate"] = {"sum": f(x.sum()), "sumSquares": f((x * x).sum()), "productSum": f((x * y).sum())}
    return s


def proportion_stats(y, x=None):
    s = {"type": "proportion", "n": len(y), "conversions": f(y.sum())}
    if x is not None:
        s["covariate"] = {"sum": f(x.sum()), "sumSquares": f(x.sum()), "productSum": f((x * y).sum())}
    return s


def ratio_stats(m, d):
    return {"type": "ratio", "n": len(m), "numeratorSum": f(m.sum()), "numeratorSumSquares": f((m * m).sum()),
            "denominatorSum": f(d.sum()), "denominatorSumSquares": f((d * d).sum()), "productSum": f((m * d).sum())}


def revenue(n, p_buy, scale):
    return np.where(rng.random(n) < p_buy, rng.lognormal(np.log(scale), 0.8, n), 0.0)


def orders(n, rate, scale):
    d = rng.poisson(rate, n).astype(float)
    return np.array([rng.lognormal(np.log(scale), 0.5, int(k)).sum() for k in d]), d


raw = {}
raw["revenue"] = (revenue(2000, 0.12, 40), revenue(1900, 0.14, 40))
raw["small-normal"] = (rng.normal(10, 2, 12), rng.normal(11.5, 4, 9))
xa, xb = rng.gamma(2, 5, 3000), rng.gamma(2, 5, 3000)
raw["cuped-mean"] = (xa, 0.8 * xa + rng.normal(3, 4, 3000), xb, 0.8 * xb + rng.normal(3.4, 4, 3000))
pa, pb = (rng.random(4000) < 0.2).astype(float), (rng.random(4000) < 0.2).astype(float)
raw["cuped-proportion"] = (pa, (rng.random(4000) < 0.1 + 0.4 * pa).astype(float), pb, (rng.random(4000) < 0.115 + 0.4 * pb).astype(float))
ma, da = orders(1500, 1.6, 30)
mb, db = orders(1400, 1.7, 31)

cases = [
    ("proportion 1000/100 vs 1000/130", {"type": "proportion", "n": 1000, "conversions": 100}, {"type": "proportion", "n": 1000, "conversions": 130}),
    ("proportion unequal arms", {"type": "proportion", "n": 5200, "conversions": 260}, {"type": "proportion", "n": 4900, "conversions": 301}),
    ("proportion small", {"type": "proportion", "n": 40, "conversions": 4}, {"type": "proportion", "n": 45, "conversions": 11}),
    ("proportion one million", {"type": "proportion", "n": 1_000_000, "conversions": 31_000}, {"type": "proportion", "n": 1_010_000, "conversions": 31_900}),
    ("mean revenue (raw rows)", mean_stats(raw["revenue"][0]), mean_stats(raw["revenue"][1])),
    ("mean small normal (raw rows)", mean_stats(raw["small-normal"][0]), mean_stats(raw["small-normal"][1])),
    ("mean negative control", {"type": "mean", "n": 300, "sum": -1500.0, "sumSquares": 15000.0}, {"type": "mean", "n": 320, "sum": -1400.0, "sumSquares": 14500.0}),
    ("ratio revenue per order (raw rows)", ratio_stats(ma, da), ratio_stats(mb, db)),
    ("cuped mean (raw rows)", mean_stats(raw["cuped-mean"][1], raw["cuped-mean"][0]), mean_stats(raw["cuped-mean"][3], raw["cuped-mean"][2])),
    ("cuped proportion (raw rows)", proportion_stats(raw["cuped-proportion"][1], raw["cuped-proportion"][0]), proportion_stats(raw["cuped-proportion"][3], raw["cuped-proportion"][2])),
]
option_sets = [{}, {"difference": "absolute"}, {"alpha": 0.1}, {"sequential": {"tuning": 5000}},
               {"difference": "absolute", "sequential": {"tuning": 20000}},
               {"prior": {"mean": 0, "stddev": 0.1}}, {"difference": "absolute", "prior": {"mean": 0.02, "stddev": 0.3}}]


def comparisons():
    out = []
    for name, control, treatment in cases:
        for o in option_sets:
            ref = reference(control, treatment, o)
            ya = moments(control)[0]
            relative_cuped = "covariate" in control and o.get("difference", "relative") == "relative"
            source = "reference (textbook formula, scipy distributions)"
            if ya > 0 and not relative_cuped:
                gb, error = gbstats_expected(control, treatment, o)
                if error:
                    sys.exit(f"gbstats refused {name}: {error}")
                for k, v in gb.items():  # the two references must agree before either is trusted
                    for i, (x, y) in enumerate(zip(v, ref[k]) if isinstance(v, list) else [(v, ref[k])]):
                        assert_close(f"{name} {o} {k}[{i}] gbstats vs reference", x, y)
                ref, source = {**ref, **gb}, f"gbstats {version('gbstats')} (reference agrees to {AGREE})"
            out.append({"name": name, "control": control, "treatment": treatment, "options": o, "source": source, "expected": ref})
    return out


def raw_row_checks():
    """Welch on raw rows (scipy.stats.ttest_ind, equal_var=False) equals the absolute test on sums."""
    checks = []
    for key, adjust in (("revenue", False), ("small-normal", False), ("cuped-mean", True)):
        if adjust:
            x_a, y_a, x_b, y_b = raw[key]
            x, y = np.concatenate([x_a, x_b]), np.concatenate([y_a, y_b])
            theta = np.cov(y, x, ddof=1)[0, 1] / np.var(x, ddof=1)
            a, b = y_a - theta * x_a, y_b - theta * x_b
            control, treatment = mean_stats(y_a, x_a), mean_stats(y_b, x_b)
        else:
            a, b = raw[key]
            control, treatment = mean_stats(a), mean_stats(b)
        t = stats.ttest_ind(b, a, equal_var=False)
        ref = reference(control, treatment, {"difference": "absolute"})
        assert_close(f"raw {key} p", f(t.pvalue), ref["pValue"], 1e-9)
        checks.append({"name": f"{key}: scipy.stats.ttest_ind on raw rows{' after y - theta*x' if adjust else ''}",
                       "control": control, "treatment": treatment, "options": {"difference": "absolute"},
                       "expected": {"estimate": f(b.mean() - a.mean()), "pValue": f(t.pvalue)}})
    return checks


def srm():
    out = []
    for counts, weights in ([[1000, 1000], None], [[1000, 1200], None], [[5000, 5100, 4950], None], [[5000, 5600, 4950], None],
                            [[900, 100], [0.9, 0.1]], [[880, 120], [0.9, 0.1]], [[120, 260, 140], [1, 2, 1]], [[3, 5], None]):
        w = weights or [1] * len(counts)
        exp = [wi / sum(w) * sum(counts) for wi in w]
        r = stats.chisquare(counts, exp)
        assert_close(f"srm {counts} gbstats", f(check_srm(counts, w)), f(r.pvalue))
        out.append({"counts": counts, "weights": weights, "expected": {"pValue": f(r.pvalue), "chiSquare": f(r.statistic), "df": len(counts) - 1}})
    return out


def multiple():
    out = []
    for p in ([0.01, 0.04, 0.03], [0.001, 0.2, 0.049, 0.03, 0.5, 0.012], [0.04, 0.04, 0.04, 0.001], list(rng.random(12) ** 3), [0.9]):
        p = [f(x) for x in p]
        out.append({"pValues": p, "holm": [f(x) for x in multipletests(p, method="holm")[1]],
                    "benjaminiHochberg": [f(x) for x in multipletests(p, method="fdr_bh")[1]]})
    return out


def distributions():
    out = []
    for z in (-37.5, -20, -8.3, -5, -3, -1.959963984540054, -1, -0.1, 0, 1e-9, 0.5, 1, 2.5, 6, 8.2):
        out.append({"fn": "normalCdf", "args": [z], "expected": f(stats.norm.cdf(z))})
    for p in (1e-300, 1e-20, 1e-10, 1e-5, 0.001, 0.025, 0.1, 0.3, 0.5, 0.7, 0.975, 0.999999):
        out.append({"fn": "normalQuantile", "args": [p], "expected": f(stats.norm.ppf(p))})
    for df in (1, 1.5, 2, 3.7, 10, 29.3, 100, 1e3, 1e4, 1e5, 1e6, 1e7):
        for t in (-30, -4, -2, -0.5, 0, 0.3, 1.9, 5, 12):
            out.append({"fn": "studentTCdf", "args": [t, df], "expected": f(stats.t.cdf(t, df))})
        for p in (1e-8, 0.0005, 0.025, 0.2, 0.5, 0.9, 0.975, 0.9995):
            out.append({"fn": "studentTQuantile", "args": [p, df], "expected": f(stats.t.ppf(p, df))})
    for df in (1, 2, 3, 5, 10, 50):
        for x in (0, 0.01, 0.5, 1, 3.84, 10, 30, 100, 500):
            out.append({"fn": "chiSquareSurvival", "args": [x, df], "expected": f(stats.chi2.sf(x, df))})
    return out


def build():
    return {"generatedBy": "scripts/readout-oracle.py",
            "versions": {k: version(k) for k in ("gbstats", "scipy", "statsmodels", "numpy")},
            "comparisons": comparisons(), "rawRowChecks": raw_row_checks(), "srm": srm(),
            "multipleComparisons": multiple(), "distributions": distributions()}


def numbers(x, path="$"):
    if isinstance(x, dict):
        for k, v in x.items():
            yield from numbers(v, f"{path}.{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from numbers(v, f"{path}[{i}]")
    else:
        yield path, x


def check(committed_path):
    """Re-generate and compare with the committed file: same structure, numbers to 1e-9 relative."""
    with open(committed_path) as fh:
        committed = json.load(fh)
    fresh = json.loads(json.dumps(build()))
    a, b = list(numbers(committed)), list(numbers(fresh))
    bad = [f"{pa}: committed {va!r}, now {vb!r}" for (pa, va), (pb, vb) in zip(a, b)
           if pa != pb or (isinstance(va, float) and isinstance(vb, (int, float)) and not close(va, vb, 1e-9))
           or (not isinstance(va, float) and va != vb)]
    if len(a) != len(b) or bad:
        sys.exit(f"{committed_path} is stale ({len(a)} vs {len(b)} values); first differences:\n" + "\n".join(bad[:10]) +
                 "\nregenerate: python scripts/readout-oracle.py > " + committed_path)
    print(f"{committed_path}: {len(a)} values match a fresh run of scripts/readout-oracle.py")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    else:
        json.dump(build(), sys.stdout, indent=1)
        sys.stdout.write("\n")
