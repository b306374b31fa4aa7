//! The mean of a handful of values with its 95 % confidence interval,
//! Student's t for up to 30 degrees of freedom and the normal quantile
//! (1.96) beyond: what a sweep shows per point.

/// Two-sided 95 % quantiles of Student's t for 1..=30 degrees of freedom.
const T_QUANTILE_95: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
    2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
];
/// The normal quantile used beyond 30 degrees of freedom.
const NORMAL_QUANTILE_95: f64 = 1.96;

/// A mean and its 95 % interval over `count` finite values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeanInterval {
    pub count: usize,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

/// The mean of the finite `values` with its 95 % interval (`mean ± t·s/√n`;
/// one value gives an interval of just that value); `None` without any.
pub fn mean_interval(values: &[f64]) -> Option<MeanInterval> {
    let finite: Vec<f64> = values.iter().copied().filter(|value| value.is_finite()).collect();
    let count = finite.len();
    if count == 0 {
        return None;
    }
    let mean = finite.iter().sum::<f64>() / count as f64;
    if count == 1 {
        return Some(MeanInterval {
            count,
            mean,
            low: mean,
            high: mean,
        });
    }
    let variance = finite.iter().map(|value| (value - mean).powi(2)).sum::<f64>() / (count - 1) as f64;
    let quantile = T_QUANTILE_95.get(count - 2).copied().unwrap_or(NORMAL_QUANTILE_95);
    let half_width = quantile * (variance / count as f64).sqrt();
    Some(MeanInterval {
        count,
        mean,
        low: mean - half_width,
        high: mean + half_width,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_by_hand() {
        assert_eq!(mean_interval(&[]), None);
        assert_eq!(mean_interval(&[f64::NAN]), None);
        let one = mean_interval(&[3.0]).expect("one value");
        assert_eq!((one.mean, one.low, one.high), (3.0, 3.0, 3.0));
        // 1, 2, 3: mean 2, s = 1, t(2) = 4.303: 2 ± 4.303 / √3.
        let three = mean_interval(&[1.0, 2.0, 3.0, f64::INFINITY]).expect("three values");
        let half = 4.303 * (1.0f64 / 3.0).sqrt();
        assert_eq!(three.count, 3);
        assert_eq!((three.mean, three.low, three.high), (2.0, 2.0 - half, 2.0 + half));
        let same = mean_interval(&[5.0; 40]).expect("forty values");
        assert_eq!((same.low, same.high), (5.0, 5.0));
    }

    #[test]
    fn the_interval_holds_the_mean() {
        arbtest::arbtest(|u| {
            let values: Vec<f64> = (0..u.int_in_range(1..=50)?)
                .map(|_| u.int_in_range(-1000..=1000).map(f64::from))
                .collect::<Result<_, _>>()?;
            let interval = mean_interval(&values).expect("finite values");
            assert!(interval.low <= interval.mean && interval.mean <= interval.high);
            assert_eq!(interval.count, values.len());
            Ok(())
        });
    }
}
