//! An inline SVG strip chart of one metric per seed: a dot per seed in
//! seed order (hover names the seed and its value; seed numbers under the
//! dots wherever they fit), the mean as a dashed line, the y axis over the
//! values with round ticks (from 0 only when the values reach it).

use super::chart_axis::{axis_name, svg_open, text_width, y_axis, y_unit, Axis, Plot, COLOURS};
use super::text::format_number;

const TOP: f64 = 28.0;
const PLOT_HEIGHT: f64 = 140.0;
const BOTTOM: f64 = 48.0;
const RIGHT: f64 = 16.0;
const PLOT_WIDTH_MIN: f64 = 360.0;
/// Horizontal room per seed, at least.
const SEED_STEP_MIN: f64 = 10.0;
/// Room between two seed labels.
const LABEL_GAP: f64 = 8.0;

/// The mean of `values` (NaN for none).
pub fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, count) = values.fold((0.0, 0usize), |(sum, count), value| (sum + value, count + 1));
    sum / count as f64
}

/// The chart of `points` (seed, value), in the order given; `title`
/// labels the SVG for readers, the page titles it.
pub fn strip_chart(title: &str, unit: &str, points: &[(u64, f64)]) -> String {
    let (low, high) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), (_, value)| {
            (low.min(*value), high.max(*value))
        });
    if !low.is_finite() || !high.is_finite() {
        return "<p>No value to chart.</p>\n".to_string();
    }
    let axis = Axis::over(low, high);
    let left = axis.left_margin();
    let count = points.len() as f64;
    let plot = Plot {
        left,
        top: TOP,
        width: (count * SEED_STEP_MIN).max(PLOT_WIDTH_MIN),
        height: PLOT_HEIGHT,
    };
    let step = plot.width / count;
    let x = |index: usize| plot.left + step * (index as f64 + 0.5);
    // Label every `every`-th seed, so that no two labels touch.
    let widest = points
        .iter()
        .map(|(seed, _)| text_width(&seed.to_string()))
        .fold(0.0, f64::max);
    let every = ((widest + LABEL_GAP) / step).ceil().max(1.0) as usize;
    let width = plot.right() + RIGHT.max(widest / 2.0);
    let mut svg = svg_open(width, TOP + PLOT_HEIGHT + BOTTOM, title);
    svg.push_str(&y_axis(&plot, &axis));
    svg.push_str(&y_unit(&plot, unit));
    svg.push_str(&format!(
        "<line x1=\"{0:.1}\" x2=\"{1:.1}\" y1=\"{2:.1}\" y2=\"{2:.1}\" stroke=\"#888\"/>\n",
        plot.left,
        plot.right(),
        plot.bottom()
    ));
    let mean = mean(points.iter().map(|(_, value)| *value));
    let mean_y = plot.y(&axis, mean);
    svg.push_str(&format!(
        "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{mean_y:.1}\" y2=\"{mean_y:.1}\" stroke=\"#c63\" \
         stroke-dasharray=\"4 3\"><title>mean {}</title></line>\n",
        plot.left,
        plot.right(),
        format_number(mean)
    ));
    for (index, (seed, value)) in points.iter().enumerate() {
        svg.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{}\"><title>seed {seed}: {}</title></circle>\n",
            x(index),
            plot.y(&axis, *value),
            COLOURS[0],
            format_number(*value)
        ));
        if index % every == 0 {
            svg.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{seed}</text>\n",
                x(index),
                plot.bottom() + 18.0
            ));
        }
    }
    svg.push_str(&axis_name(&plot, 38.0, "seed"));
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_seed_is_a_dot_with_its_value_and_a_label() {
        let svg = strip_chart("t", "ratio", &[(0, 1.27), (1, 1.34), (2, 1.3)]);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("<title>seed 0: 1.27</title>"));
        assert!(svg.contains("<title>seed 1: 1.34</title>"));
        assert!(svg.contains("<title>mean 1.303333</title>"));
        for seed in ["0", "1", "2"] {
            assert!(svg.contains(&format!("text-anchor=\"middle\">{seed}</text>")), "{svg}");
        }
        // The axis spans the spread, not from 0: its lowest tick is 1.26.
        assert!(svg.contains(">1.26</text>") && svg.contains(">1.34</text>"));
        assert!(!svg.contains("text-anchor=\"end\">0</text>"), "{svg}");
        // The highest value sits on the plot's top, the lowest tick on its bottom.
        assert!(svg.contains("cy=\"28.0\""), "{svg}");
        assert_eq!(strip_chart("t", "u", &[]), "<p>No value to chart.</p>\n");
    }

    #[test]
    fn crowded_seed_labels_are_thinned() {
        let points: Vec<(u64, f64)> = (0..200).map(|seed| (seed, seed as f64)).collect();
        let svg = strip_chart("t", "count", &points);
        assert_eq!(svg.matches("<circle").count(), 200);
        // 10 px per seed and three-digit labels (22.5 px and a gap of 8):
        // every fourth seed is labelled.
        assert!(svg.contains(">4</text>") && !svg.contains(">3</text>"));
        assert!(svg.contains(">196</text>") && !svg.contains(">199</text>"));
    }
}
