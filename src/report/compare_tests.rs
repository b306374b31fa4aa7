//! Unit and property tests of `report::compare`: sign-test p-values by
//! hand, bootstrap intervals with known answers, and the pairing of two
//! tables.

use super::*;
use crate::report::compare_runs::read_runs;

fn column(name: &str) -> MetricColumn {
    MetricColumn {
        name: name.to_string(),
        unit: "count".to_string(),
        kind: None,
    }
}

/// Exactly Σ_{i ≤ smaller} C(n, i) for n ≤ 120, in integers.
fn binomial_tail(count: u64, smaller: u64) -> u128 {
    let mut term: u128 = 1;
    let mut sum: u128 = 1;
    for index in 0..smaller {
        term = term * u128::from(count - index) / u128::from(index + 1);
        sum += term;
    }
    sum
}

#[test]
fn sign_test_p_values_by_hand() {
    // n = 10, k = 1: 2 · (1 + 10) / 1024.
    assert_eq!(sign_test_p(1, 9), 0.021484375);
    assert_eq!(sign_test_p(9, 1), 0.021484375);
    // n = 5, k = 0: 2 / 32.
    assert_eq!(sign_test_p(0, 5), 0.0625);
    assert_eq!(sign_test_p(10, 0), 0.001953125);
    // n = 20, k = 3: 2 · (1 + 20 + 190 + 1140) / 2^20.
    assert_eq!(sign_test_p(3, 17), 2.0 * 1351.0 / 1_048_576.0);
    // Balanced or nearly: the doubled tail exceeds 1 and is cut to 1.
    assert_eq!(sign_test_p(5, 5), 1.0);
    assert_eq!(sign_test_p(2, 3), 1.0);
    assert_eq!(sign_test_p(1, 0), 1.0);
    // No nonzero difference: nothing against the null.
    assert_eq!(sign_test_p(0, 0), 1.0);
}

#[test]
fn sign_test_p_values_match_exact_integer_tails() {
    for (count, smaller) in [(60u64, 20u64), (60, 29), (120, 45), (120, 0), (97, 31)] {
        let exact = binomial_tail(count, smaller) as f64 * 2f64.powi(1 - count as i32);
        let p = sign_test_p(smaller, count - smaller);
        assert!(
            ((p - exact) / exact).abs() < 1e-13,
            "n={count}, k={smaller}: {p} vs {exact}"
        );
    }
}

#[test]
fn large_sign_tests_neither_overflow_nor_underflow_on_the_way() {
    // 2 · 2^-1000, exactly.
    assert_eq!(sign_test_p(0, 1000), power_of_two(-999));
    // 2^-1999 is below every f64: the smallest one stands for it.
    assert_eq!(sign_test_p(2000, 0), SMALLEST_P);
    assert_eq!(sign_test_p(0, u64::MAX), SMALLEST_P);
    assert_eq!(sign_test_p(100_000, 100_000), 1.0);
    // n = 10,100, k = 5,000: z = 50 / √2525 ≈ 0.995, p ≈ 0.32.
    let p = sign_test_p(5_000, 5_100);
    assert!((0.31..0.34).contains(&p), "{p}");
    let tiny = sign_test_p(40_000, 60_000);
    assert!(tiny > 0.0 && tiny < 1e-200, "{tiny}");
}

#[test]
fn p_values_lie_in_zero_to_one_and_are_symmetric() {
    arbtest::arbtest(|u| {
        let higher: u64 = u.int_in_range(0..=200_000)?;
        let lower: u64 = u.int_in_range(0..=200_000)?;
        let p = sign_test_p(higher, lower);
        assert!(p > 0.0 && p <= 1.0, "{higher}, {lower}: {p}");
        assert_eq!(p, sign_test_p(lower, higher));
        Ok(())
    });
}

#[test]
fn the_sign_test_drops_ties() {
    let test = sign_test(&[1.0, -2.0, 0.0, 3.0, 0.0, 0.5]);
    assert_eq!((test.higher, test.lower, test.ties), (3, 1, 2));
    assert_eq!(test.p, sign_test_p(3, 1));
    let none = sign_test(&[]);
    assert_eq!((none.higher, none.lower, none.ties, none.p), (0, 0, 0, 1.0));
}

#[test]
fn uniform_indices_stay_below_the_bound() {
    let mut stream = bootstrap_stream(0, "x");
    for bound in [1usize, 2, 3, 7, 1000, usize::MAX] {
        for _ in 0..100 {
            assert!(uniform_index(&mut stream, bound) < bound);
        }
    }
    let mut counts = [0usize; 3];
    for _ in 0..30_000 {
        counts[uniform_index(&mut stream, 3)] += 1;
    }
    assert!(counts.iter().all(|count| (9_500..10_500).contains(count)), "{counts:?}");
}

#[test]
fn interval_ranks_are_nearest_ranks_of_two_and_a_half_percent() {
    assert_eq!(interval_rank(10_000), 250);
    assert_eq!(interval_rank(1_000), 25);
    assert_eq!(interval_rank(40), 1);
    assert_eq!(interval_rank(41), 2);
    assert_eq!(interval_rank(1), 1);
    assert_eq!(interval_rank(MAX_RESAMPLES), 25_000);
}

#[test]
fn equal_differences_give_an_interval_of_just_that_value() {
    let interval = bootstrap_interval(&[2.5; 9], DEFAULT_RESAMPLES, &mut bootstrap_stream(0, "x"));
    assert_eq!(interval, Some(Interval { low: 2.5, high: 2.5 }));
    let tenths = [0.1; 7];
    let mean = mean(&tenths).expect("values");
    let interval = bootstrap_interval(&tenths, 100, &mut bootstrap_stream(0, "x"));
    assert_eq!(interval, Some(Interval { low: mean, high: mean }));
    assert_eq!(
        bootstrap_interval(&[4.0], 100, &mut bootstrap_stream(0, "x")),
        Some(Interval { low: 4.0, high: 4.0 })
    );
    assert_eq!(bootstrap_interval(&[], 100, &mut bootstrap_stream(0, "x")), None);
    assert_eq!(bootstrap_interval(&[1.0, 2.0], 0, &mut bootstrap_stream(0, "x")), None);
}

#[test]
fn intervals_with_known_binomial_answers() {
    // One decrease of 1 among ten: a resample mean is -X / 10 with
    // X ~ Binomial(10, 0.1); P[X ≥ 3] ≈ 0.070 and P[X ≥ 4] ≈ 0.013
    // straddle 2.5 % by far, whatever the stream.
    let mut one_down = [0.0; 10];
    one_down[3] = -1.0;
    for seed in [0, 1, 2] {
        let interval = bootstrap_interval(&one_down, DEFAULT_RESAMPLES, &mut bootstrap_stream(seed, "x"));
        assert_eq!(interval, Some(Interval { low: -0.3, high: 0.0 }), "seed {seed}");
    }
    // Nine increases and one decrease: 1 - 2X / 10, X as above.
    let mut nine_up = [1.0; 10];
    nine_up[0] = -1.0;
    let interval = bootstrap_interval(&nine_up, DEFAULT_RESAMPLES, &mut bootstrap_stream(7, "y"));
    assert_eq!(interval, Some(Interval { low: 0.4, high: 1.0 }));
}

#[test]
fn the_bootstrap_is_deterministic_per_seed_and_metric() {
    let differences: Vec<f64> = (0..25).map(|index| f64::from(index * 7 % 11) - 4.0).collect();
    let draw = |seed: u64, metric: &str| bootstrap_interval(&differences, 2_000, &mut bootstrap_stream(seed, metric));
    assert_eq!(draw(3, "resends"), draw(3, "resends"));
    let others = [draw(4, "resends"), draw(3, "messages_sent"), draw(5, "resends")];
    assert!(others.iter().any(|other| *other != draw(3, "resends")), "{others:?}");
}

/// Differences of small integers: sums are exact, so the property is
/// about the bootstrap, not rounding.
fn integer_pairs(u: &mut arbtest::arbitrary::Unstructured<'_>) -> arbtest::arbitrary::Result<Vec<(f64, f64)>> {
    let count = u.int_in_range(1..=30)?;
    (0..count)
        .map(|_| {
            Ok((
                f64::from(u.int_in_range(-50..=50)?),
                f64::from(u.int_in_range(-50..=50)?),
            ))
        })
        .collect()
}

#[test]
fn the_interval_holds_the_mean_difference() {
    arbtest::arbtest(|u| {
        let pairs = integer_pairs(u)?;
        let settings = BootstrapSettings {
            resamples: u.int_in_range(MIN_RESAMPLES..=400)?,
            seed: u.arbitrary()?,
        };
        let compared = compare_metric(&column("m"), &pairs, settings);
        let (mean, interval) = (
            compared.mean_difference.expect("pairs"),
            compared.interval.expect("pairs"),
        );
        assert!(
            interval.low <= mean && mean <= interval.high,
            "{pairs:?}: {mean} not in {interval:?}"
        );
        assert!(compared.sign.p > 0.0 && compared.sign.p <= 1.0);
        assert_eq!(
            compared.sign.higher + compared.sign.lower + compared.sign.ties,
            pairs.len()
        );
        Ok(())
    });
}

#[test]
fn swapping_a_and_b_negates_the_mean_and_mirrors_the_interval() {
    arbtest::arbtest(|u| {
        let pairs = integer_pairs(u)?;
        let settings = BootstrapSettings {
            resamples: u.int_in_range(MIN_RESAMPLES..=400)?,
            seed: u.arbitrary()?,
        };
        let swapped: Vec<(f64, f64)> = pairs.iter().map(|(a, b)| (*b, *a)).collect();
        let forward = compare_metric(&column("m"), &pairs, settings);
        let backward = compare_metric(&column("m"), &swapped, settings);
        assert_eq!(forward.mean_difference.map(|mean| -mean), backward.mean_difference);
        let (there, back) = (forward.interval.expect("pairs"), backward.interval.expect("pairs"));
        assert_eq!((there.low, there.high), (-back.high, -back.low));
        assert_eq!((forward.mean_a, forward.mean_b), (backward.mean_b, backward.mean_a));
        assert_eq!(
            (forward.sign.higher, forward.sign.lower),
            (backward.sign.lower, backward.sign.higher)
        );
        assert_eq!(forward.sign.p, backward.sign.p);
        Ok(())
    });
}

fn table(file: &str, text: &str) -> RunsTable {
    read_runs(text.as_bytes(), file).expect("a valid table")
}

#[test]
fn tables_pair_by_seed_and_metrics_by_their_values() {
    let a = table(
        "a",
        "seed,param.loss,param.only_a,resends,sync_converged\n0,0.1,x,5,true\n1,0.2,y,5,true\n2,0.3,z,,true\n4,0.4,w,1,true\n",
    );
    let b = table(
        "b",
        "seed,param.loss,param.only_b,resends,sync_converged\n0,0.1,p,6,true\n1,0.25,q,7,false\n2,0.3,r,9,true\n3,0.5,s,1,true\n",
    );
    let compared = compare_tables(&a, &b, BootstrapSettings::default()).expect("comparable");
    assert_eq!(compared.paired_seeds, [0, 1, 2]);
    assert_eq!(
        (compared.only_in_a.as_slice(), compared.only_in_b.as_slice()),
        (&[4u64][..], &[3u64][..])
    );
    let resends = &compared.metrics[0];
    assert_eq!(
        (resends.pairs, resends.mean_a, resends.mean_b),
        (2, Some(5.0), Some(6.5))
    );
    assert_eq!(resends.mean_difference, Some(1.5));
    assert_eq!((resends.sign.higher, resends.sign.lower, resends.sign.p), (2, 0, 0.5));
    let converged = &compared.metrics[1];
    assert_eq!(converged.pairs, 3);
    assert_eq!(converged.mean_difference, Some(-1.0 / 3.0));
    let draws: Vec<(&str, bool, bool, Option<usize>)> = compared
        .draws
        .iter()
        .map(|draw| (draw.name.as_str(), draw.in_a, draw.in_b, draw.equal_pairs))
        .collect();
    assert_eq!(
        draws,
        [
            ("param.loss", true, true, Some(2)),
            ("param.only_a", true, false, None),
            ("param.only_b", false, true, None)
        ]
    );
}

#[test]
fn tables_that_cannot_be_paired_are_errors() {
    let a = table("a", "seed,resends,gaps_detected\n0,1,2\n");
    let cases = [
        (
            "seed,resends\n0,1\n",
            "a and b have different metric columns: `gaps_detected` is a column of the first, not of the second (were they written by different versions of sessionlab?)",
        ),
        (
            "seed,resends,gaps_detected,extra\n0,1,2,3\n",
            "a and b have different metric columns: `extra` is a column of the second, not of the first (were they written by different versions of sessionlab?)",
        ),
        (
            "seed,gaps_detected,resends\n0,1,2\n",
            "a and b have different metric columns: the same columns in another order (were they written by different versions of sessionlab?)",
        ),
        (
            "seed,resends,gaps_detected\n1,1,2\n2,1,2\n",
            "a and b have no seed in common (1 and 2 seeds): nothing to pair",
        ),
    ];
    for (text, expected) in cases {
        let error = compare_tables(&a, &table("b", text), BootstrapSettings::default()).err();
        assert_eq!(
            error.map(|error| error.to_string()).as_deref(),
            Some(expected),
            "{text}"
        );
    }
    // Different draws are no obstacle: they are reported.
    let drawn = table("b", "seed,param.loss,resends,gaps_detected\n0,0.5,1,2\n");
    assert!(compare_tables(&a, &drawn, BootstrapSettings::default()).is_ok());
}

#[test]
fn a_metric_without_values_has_no_means() {
    let a = table("a", "seed,resends\n0,\n1,\n");
    let compared = compare_tables(&a, &a, BootstrapSettings::default()).expect("comparable");
    let resends = &compared.metrics[0];
    assert_eq!(
        (resends.pairs, resends.mean_difference, resends.interval),
        (0, None, None)
    );
    assert_eq!(resends.sign.p, 1.0);
}
