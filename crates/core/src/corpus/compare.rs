//! Two groups of traces compared (variant A against B, one file against another): each measure of
//! both, the difference B − A and its 95 % interval — Wilson score intervals combined by
//! Newcombe's method for rates, a bootstrap for duration percentiles, Welch's normal interval for
//! the mean cost. Deterministic: the bootstrap's random numbers come from a fixed seed.

use serde::Serialize;

use super::aggregate::{aggregate, FailDefinition};
use super::facets::{nearest_rank, nearest_rank_index};
use super::index::CorpusIndex;
use crate::random::SplitMix64;

/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;

/// Bootstrap draws of each percentile.
const BOOTSTRAP_DRAWS: usize = 2000;

/// Groups up to this size are resampled value by value; larger ones draw each resample's
/// percentile from its distribution (see [`bootstrap_percentile`]).
const RESAMPLE_WHOLE_UP_TO: usize = 2000;

/// The rates compared (measures of `aggregate()`).
pub const COMPARED_RATES: [&str; 7] =
    ["fail_rate", "error_rate", "thumbs_up_rate", "thumbs_down_rate", "follow_up_rate", "abandon_rate", "convert_rate"];

/// The duration percentiles compared, with their percent.
pub const COMPARED_PERCENTILES: [(&str, f64); 3] =
    [("p50_duration_ms", 50.0), ("p95_duration_ms", 95.0), ("p99_duration_ms", 99.0)];

/// One measure of both groups: `delta` is `b − a`, `low..high` its 95 % interval (`None` where a
/// group has nothing to measure).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComparedMeasure {
    pub measure: String,
    pub a: Option<f64>,
    pub b: Option<f64>,
    pub delta: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

impl ComparedMeasure {
    /// Both groups' values of `measure`, their difference and its interval (`None`: none).
    fn of(measure: &str, a: Option<f64>, b: Option<f64>, interval: Option<(f64, f64)>) -> ComparedMeasure {
        ComparedMeasure {
            measure: measure.to_string(),
            a,
            b,
            delta: a.zip(b).map(|(a, b)| b - a),
            low: interval.map(|(low, _)| low),
            high: interval.map(|(_, high)| high),
        }
    }
}

/// What `compare()` resolves with.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// Traces in A and in B.
    pub a: u64,
    pub b: u64,
    pub measures: Vec<ComparedMeasure>,
}

/// The Wilson score interval of `successes` out of `trials` at 95 %.
pub fn wilson_interval(successes: u64, trials: u64) -> Option<(f64, f64)> {
    if trials == 0 {
        return None;
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// The 95 % interval of the difference of two proportions, `b − a`, from their Wilson intervals
/// (Newcombe's hybrid score method, his method 10).
pub fn difference_interval(a: (u64, u64), b: (u64, u64)) -> Option<(f64, f64)> {
    let (a_low, a_high) = wilson_interval(a.0, a.1)?;
    let (b_low, b_high) = wilson_interval(b.0, b.1)?;
    let pa = a.0 as f64 / a.1 as f64;
    let pb = b.0 as f64 / b.1 as f64;
    let delta = pb - pa;
    let low = delta - ((pb - b_low).powi(2) + (a_high - pa).powi(2)).sqrt();
    let high = delta + ((b_high - pb).powi(2) + (pa - a_low).powi(2)).sqrt();
    Some((low, high))
}

/// The standard normal distribution function (Abramowitz and Stegun 7.1.26, error < 1.5e-7).
fn normal_cdf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs() / std::f64::consts::SQRT_2);
    let poly =
        t * (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-(x * x) / 2.0).exp();
    if x >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

/// Bootstrap draws of the nearest-rank `percent` percentile of `sorted` (ascending). A small group
/// is resampled value by value. For a large one, each resample's percentile is drawn from its
/// exact distribution instead of resampling n values: the resample's k-th smallest value is at
/// most `sorted[j - 1]` exactly when at least k of its n draws fall at or below it, a
/// Binomial(n, j/n) count (taken as normal, n being large); j is found by bisection.
fn bootstrap_percentile(sorted: &[u64], percent: f64, random: &mut SplitMix64) -> Vec<u64> {
    let n = sorted.len();
    let rank = nearest_rank_index(n, percent) + 1;
    let mut draws = Vec::with_capacity(BOOTSTRAP_DRAWS);
    if n <= RESAMPLE_WHOLE_UP_TO {
        let mut resample = vec![0u64; n];
        for _ in 0..BOOTSTRAP_DRAWS {
            resample.iter_mut().for_each(|value| *value = sorted[random.below(n as u64) as usize]);
            draws.push(nearest_rank(&mut resample, percent).unwrap_or(0));
        }
        return draws;
    }
    let trials = n as f64;
    // P(resample's rank-th smallest <= sorted[j - 1]) = P(Binomial(n, j/n) >= rank).
    let at_most = |j: usize| {
        let p = j as f64 / trials;
        if j >= n {
            return 1.0;
        }
        let spread = (trials * p * (1.0 - p)).sqrt();
        normal_cdf((trials * p - rank as f64 + 0.5) / spread)
    };
    for _ in 0..BOOTSTRAP_DRAWS {
        let wanted = random.unit();
        let (mut low, mut high) = (1usize, n);
        while low < high {
            let middle = low + (high - low) / 2;
            if at_most(middle) >= wanted {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        draws.push(sorted[low - 1]);
    }
    draws
}

/// The 95 % interval of the difference `b − a` of a percentile, from paired bootstrap draws.
fn percentile_difference_interval(a: &[u64], b: &[u64], percent: f64, random: &mut SplitMix64) -> (f64, f64) {
    let a_draws = bootstrap_percentile(a, percent, random);
    let b_draws = bootstrap_percentile(b, percent, random);
    let mut deltas: Vec<f64> = a_draws.iter().zip(&b_draws).map(|(a, b)| (*b as f64 - *a as f64) / 1e6).collect();
    deltas.sort_by(f64::total_cmp);
    let at = |share: f64| deltas[((share * deltas.len() as f64) as usize).min(deltas.len() - 1)];
    (at(0.025), at(0.975))
}

/// Mean, variance (n − 1) and count of the known costs of `rows`.
fn cost_moments(index: &CorpusIndex, rows: &[u32]) -> (f64, f64, u64) {
    let costs = rows.iter().map(|&row| index.cost_usd[row as usize]).filter(|cost| !cost.is_nan());
    let (mut count, mut mean, mut squares) = (0u64, 0.0f64, 0.0f64);
    for cost in costs {
        count += 1;
        let step = cost - mean;
        mean += step / count as f64;
        squares += step * (cost - mean);
    }
    let variance = if count > 1 { squares / (count - 1) as f64 } else { 0.0 };
    (mean, variance, count)
}

/// Compares the traces of `a` with those of `b` (row numbers; a trace may be in both).
pub fn compare(index: &CorpusIndex, a: &[u32], b: &[u32], fail: FailDefinition<'_>) -> Comparison {
    let rates: Vec<String> = COMPARED_RATES.iter().map(|rate| rate.to_string()).collect();
    let rates_of = |rows: &[u32]| -> Vec<Option<f64>> {
        match aggregate(index, rows, &[], &rates, fail) {
            Ok(groups) => {
                groups.into_iter().next().map(|group| group.measures.into_iter().map(|(_, value)| value).collect())
            }
            Err(_) => None,
        }
        .unwrap_or_else(|| vec![None; rates.len()])
    };
    let (a_rates, b_rates) = (rates_of(a), rates_of(b));
    let successes = |rate: Option<f64>, count: usize| rate.map(|rate| (rate * count as f64).round() as u64);
    let mut measures = Vec::new();
    for (place, rate) in COMPARED_RATES.iter().enumerate() {
        let (a_share, b_share) = (a_rates[place], b_rates[place]);
        let interval = match (successes(a_share, a.len()), successes(b_share, b.len())) {
            (Some(a_hits), Some(b_hits)) => difference_interval((a_hits, a.len() as u64), (b_hits, b.len() as u64)),
            _ => None,
        };
        measures.push(ComparedMeasure::of(rate, a_share, b_share, interval));
    }
    let sorted_durations = |rows: &[u32]| {
        let mut durations: Vec<u64> = rows.iter().map(|&row| index.duration_ns[row as usize]).collect();
        durations.sort_unstable();
        durations
    };
    let (a_durations, b_durations) = (sorted_durations(a), sorted_durations(b));
    let mut random = SplitMix64::new(0x7472_6163_652d_7669);
    for (measure, percent) in COMPARED_PERCENTILES {
        // Sorted already: the percentile is read at its rank.
        let percentile = |sorted: &[u64]| {
            (!sorted.is_empty()).then(|| sorted[nearest_rank_index(sorted.len(), percent)] as f64 / 1e6)
        };
        let (a_value, b_value) = (percentile(&a_durations), percentile(&b_durations));
        let interval = (!a_durations.is_empty() && !b_durations.is_empty())
            .then(|| percentile_difference_interval(&a_durations, &b_durations, percent, &mut random));
        measures.push(ComparedMeasure::of(measure, a_value, b_value, interval));
    }
    let (a_mean, a_variance, a_costed) = cost_moments(index, a);
    let (b_mean, b_variance, b_costed) = cost_moments(index, b);
    let spread = (a_variance / a_costed.max(1) as f64 + b_variance / b_costed.max(1) as f64).sqrt();
    let (a_cost, b_cost) = ((a_costed > 0).then_some(a_mean), (b_costed > 0).then_some(b_mean));
    let interval = a_cost.zip(b_cost).map(|(a, b)| (b - a - Z95 * spread, b - a + Z95 * spread));
    measures.push(ComparedMeasure::of("cost_mean", a_cost, b_cost, interval));
    Comparison { a: a.len() as u64, b: b.len() as u64, measures }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_and_newcombe_match_published_examples() {
        // Wilson: 50 of 100.
        let (low, high) = wilson_interval(50, 100).unwrap();
        assert!((low - 0.4038).abs() < 1e-4 && (high - 0.5962).abs() < 1e-4, "{low} {high}");
        // Newcombe (1998), table II, example (a): 56/70 − 48/80 = 0.2000, method 10: 0.0524 to 0.3339.
        let (low, high) = difference_interval((48, 80), (56, 70)).unwrap();
        assert!((low - 0.0524).abs() < 1e-4 && (high - 0.3339).abs() < 1e-4, "{low} {high}");
        assert_eq!(wilson_interval(0, 0), None);
    }

    #[test]
    fn the_normal_distribution_function_is_close_to_its_table() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.959_964) - 0.975).abs() < 1e-6);
        assert!((normal_cdf(-1.0) - 0.158_655_25).abs() < 1e-6);
    }

    /// The drawn percentiles of a large group spread as real resamples' do.
    #[test]
    fn drawn_bootstrap_percentiles_spread_as_resampled_ones() {
        let mut random = SplitMix64::new(7);
        let mut values: Vec<u64> = (0..20_000).map(|_| (random.unit() * random.unit() * 1e9) as u64).collect();
        values.sort_unstable();
        for percent in [50.0, 95.0] {
            let mut drawn = bootstrap_percentile(&values, percent, &mut random);
            drawn.sort_unstable();
            let mut resampled: Vec<u64> = (0..400)
                .map(|_| {
                    let mut resample: Vec<u64> =
                        (0..values.len()).map(|_| values[random.below(values.len() as u64) as usize]).collect();
                    nearest_rank(&mut resample, percent).unwrap()
                })
                .collect();
            resampled.sort_unstable();
            let spread =
                |sorted: &[u64]| sorted[sorted.len() * 975 / 1000] as f64 - sorted[sorted.len() * 25 / 1000] as f64;
            let (drawn_spread, resampled_spread) = (spread(&drawn), spread(&resampled));
            assert!(
                (drawn_spread / resampled_spread - 1.0).abs() < 0.25,
                "p{percent}: drawn {drawn_spread}, resampled {resampled_spread}"
            );
            let middle = |sorted: &[u64]| sorted[sorted.len() / 2] as f64;
            assert!((middle(&drawn) / middle(&resampled) - 1.0).abs() < 0.02);
        }
    }

    #[test]
    fn a_group_against_itself_differs_by_nothing_and_its_interval_holds_zero() {
        let mut random = SplitMix64::new(11);
        let values: Vec<u64> = (1..=5000).map(|value| value * 1_000_000).collect();
        let (low, high) = percentile_difference_interval(&values, &values, 95.0, &mut random);
        assert!(low < 0.0 && high > 0.0, "{low} {high}");
        let small: Vec<u64> = (1..=300).map(|value| value * 1_000_000).collect();
        let (low, high) = percentile_difference_interval(&small, &small, 50.0, &mut random);
        assert!(low <= 0.0 && high >= 0.0, "{low} {high}");
    }
}
