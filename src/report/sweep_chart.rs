//! An inline SVG chart of means with 95 % intervals: the swept values on
//! the x axis in order (equally spaced), one coloured line per series,
//! each point's interval as a bar and its figures on hover. The y axis
//! spans the intervals (not from 0), with round ticks, and the chart's
//! margins grow with its labels, so nothing is clipped.

use super::html::escape;
use super::interval::MeanInterval;
use super::text::format_number;

/// One line of a chart: its name and its points (x position, interval).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(usize, MeanInterval)>,
}

const COLOURS: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#7f7f7f",
];
const HEIGHT: f64 = 260.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 48.0;
const RIGHT: f64 = 24.0;
/// Width per character of the 12 px labels, generously.
const CHARACTER_WIDTH: f64 = 7.5;
const X_STEP_MIN: f64 = 64.0;
const PLOT_WIDTH_MIN: f64 = 360.0;
/// Ticks on the y axis, about.
const Y_TICKS: f64 = 5.0;

/// Round ticks covering `low..=high`: steps of 1, 2 or 5 times a power of ten.
pub fn ticks(low: f64, high: f64) -> Vec<f64> {
    let (low, high) = if high > low {
        (low, high)
    } else {
        (low - 0.5, high + 0.5)
    };
    let raw_step = (high - low) / Y_TICKS;
    let magnitude = 10f64.powf(raw_step.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|factor| factor * magnitude)
        .find(|step| *step >= raw_step)
        .unwrap_or(10.0 * magnitude);
    let first = (low / step).floor() as i64;
    let last = (high / step).ceil() as i64;
    (first..=last).map(|index| index as f64 * step).collect()
}

/// The chart, titled by the page (`title` labels the SVG for readers).
pub fn line_chart(title: &str, x_name: &str, unit: &str, x_labels: &[String], series: &[Series]) -> String {
    let intervals = series
        .iter()
        .flat_map(|one| one.points.iter().map(|(_, interval)| interval));
    let (low, high) = intervals.fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), interval| {
        (low.min(interval.low), high.max(interval.high))
    });
    if !low.is_finite() || !high.is_finite() {
        return "<p>No value to chart.</p>\n".to_string();
    }
    let ticks = ticks(low, high);
    let (axis_low, axis_high) = (ticks[0], ticks[ticks.len() - 1]);
    let label_width = ticks.iter().map(|tick| format_number(*tick).len()).max().unwrap_or(1) as f64;
    let left = 16.0 + label_width * CHARACTER_WIDTH;
    let longest_x = x_labels.iter().map(|label| label.chars().count()).max().unwrap_or(1) as f64;
    let x_step = (longest_x * CHARACTER_WIDTH + 16.0).max(X_STEP_MIN);
    let plot_width = (x_step * x_labels.len() as f64).max(PLOT_WIDTH_MIN);
    let width = left + plot_width + RIGHT;
    let legend_height = 18.0 * series.len() as f64;
    let height = HEIGHT + legend_height;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let y = |value: f64| TOP + plot_height * (axis_high - value) / (axis_high - axis_low);
    let x = |position: usize| left + x_step * (position as f64 + 0.5);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-label=\"{}\" font-size=\"12\">\n",
        escape(title)
    );
    for tick in &ticks {
        svg.push_str(&format!(
            "<line x1=\"{left:.1}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#eee\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            left + plot_width,
            left - 6.0,
            y(*tick) + 4.0,
            format_number(*tick),
            y = y(*tick),
        ));
    }
    for (position, label) in x_labels.iter().enumerate() {
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
            x(position),
            TOP + plot_height + 18.0,
            escape(label)
        ));
    }
    svg.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{} → · {}</text>\n",
        left + plot_width / 2.0,
        TOP + plot_height + 38.0,
        escape(x_name),
        escape(unit)
    ));
    for (index, one) in series.iter().enumerate() {
        let colour = COLOURS[index % COLOURS.len()];
        let path: Vec<String> = one
            .points
            .iter()
            .map(|(position, interval)| format!("{:.1},{:.1}", x(*position), y(interval.mean)))
            .collect();
        svg.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{colour}\" points=\"{}\"/>\n",
            path.join(" ")
        ));
        for (position, interval) in &one.points {
            let (cx, label) = (x(*position), x_labels.get(*position).map_or("", String::as_str));
            svg.push_str(&format!(
                "<g><title>{}: {} = {}, mean {} [{} … {}], {} seeds</title>\
                 <line x1=\"{cx:.1}\" x2=\"{cx:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\"/>\
                 <circle cx=\"{cx:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{colour}\"/></g>\n",
                escape(&one.name),
                escape(x_name),
                escape(label),
                format_number(interval.mean),
                format_number(interval.low),
                format_number(interval.high),
                interval.count,
                y(interval.low),
                y(interval.high),
                y(interval.mean),
            ));
        }
        let legend_y = HEIGHT + 18.0 * index as f64;
        let name = if one.name.is_empty() {
            "all variants"
        } else {
            one.name.as_str()
        };
        svg.push_str(&format!(
            "<rect x=\"{left:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"{colour}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text>\n",
            legend_y - 9.0,
            left + 16.0,
            legend_y,
            escape(name)
        ));
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        let covered = ticks(1.27, 1.34);
        assert!(covered[0] <= 1.27 && *covered.last().expect("ticks") >= 1.34);
        assert!(covered.len() <= 7, "{covered:?}");
        assert!(covered[0] > 1.0, "the axis does not start at 0: {covered:?}");
        let flat = ticks(5.0, 5.0);
        assert!(flat[0] <= 5.0 && *flat.last().expect("ticks") >= 5.0);
        assert_eq!(ticks(0.0, 100.0), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
    }

    #[test]
    fn every_point_is_drawn_and_named() {
        let interval = MeanInterval {
            count: 4,
            mean: 2.0,
            low: 1.5,
            high: 2.5,
        };
        let series = [Series {
            name: "a=<1>".into(),
            points: vec![(0, interval), (1, interval)],
        }];
        let svg = line_chart("t", "network.loss", "bytes", &["0".into(), "0.1".into()], &series);
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("a=&lt;1&gt;: network.loss = 0.1, mean 2 [1.5 … 2.5], 4 seeds"));
        assert_eq!(line_chart("t", "x", "u", &[], &[]), "<p>No value to chart.</p>\n");
    }
}
