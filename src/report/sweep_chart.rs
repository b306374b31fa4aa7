//! An inline SVG chart of means with 95 % intervals: the swept values on
//! the x axis in order (equally spaced), one coloured line per series,
//! each point's interval as a bar and its figures on hover. The y axis
//! spans the intervals (not from 0), with round ticks, and the chart's
//! margins grow with its labels, so nothing is clipped.

use super::chart_axis::{axis_name, svg_open, text_width, y_axis, y_unit, Axis, Plot, COLOURS};
use super::html::escape;
use super::interval::MeanInterval;
use super::text::format_number;

/// One line of a chart: its name and its points (x position, interval).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(usize, MeanInterval)>,
}

const HEIGHT: f64 = 260.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 48.0;
const RIGHT: f64 = 24.0;
const X_STEP_MIN: f64 = 64.0;
const PLOT_WIDTH_MIN: f64 = 360.0;

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
    let axis = Axis::over(low, high);
    let left = axis.left_margin();
    let longest_x = x_labels.iter().map(|label| text_width(label)).fold(0.0, f64::max);
    let x_title = format!("{x_name} →");
    let x_step = (longest_x + 16.0).max(X_STEP_MIN);
    let plot_width = (x_step * x_labels.len() as f64)
        .max(PLOT_WIDTH_MIN)
        .max(text_width(&x_title));
    let legend_width = series
        .iter()
        .map(|one| text_width(legend_name(one)) + 16.0)
        .fold(0.0, f64::max);
    let width = left + plot_width.max(legend_width) + RIGHT;
    let legend_height = 18.0 * series.len() as f64;
    let height = HEIGHT + legend_height;
    let plot = Plot {
        left,
        top: TOP,
        width: plot_width,
        height: HEIGHT - TOP - BOTTOM,
    };
    let y = |value: f64| plot.y(&axis, value);
    let x = |position: usize| left + x_step * (position as f64 + 0.5);
    let mut svg = svg_open(width, height, title);
    svg.push_str(&y_axis(&plot, &axis));
    svg.push_str(&y_unit(&plot, unit));
    for (position, label) in x_labels.iter().enumerate() {
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
            x(position),
            plot.bottom() + 18.0,
            escape(label)
        ));
    }
    svg.push_str(&axis_name(&plot, 38.0, &x_title));
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
        let name = legend_name(one);
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

fn legend_name(series: &Series) -> &str {
    if series.name.is_empty() {
        "all variants"
    } else {
        series.name.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
