//! Nearest-rank percentiles, the one definition every output uses: the
//! value at rank ⌈p·n⌉ (1-based, clamped to 1..=n) of the sorted values.

/// The `fraction` percentile of `sorted` by nearest rank; `None` when
/// there are no values.
pub fn nearest_rank<T: Copy>(sorted: &[T], fraction: f64) -> Option<T> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((fraction * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_round_up_and_clamp() {
        let values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!(nearest_rank(&values, 0.50), Some(5));
        assert_eq!(nearest_rank(&values, 0.95), Some(10));
        assert_eq!(nearest_rank(&values, 0.10), Some(1));
        assert_eq!(nearest_rank(&values, 0.0), Some(1));
        assert_eq!(nearest_rank(&[7.5], 0.99), Some(7.5));
        assert_eq!(nearest_rank::<u64>(&[], 0.5), None);
    }
}
