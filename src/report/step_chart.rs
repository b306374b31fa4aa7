//! An inline SVG step chart over two numeric axes: one coloured step line
//! per series (a distribution's CDF, a count over time), a dot with a
//! hover title on each point that names what it is, a legend that wraps
//! into rows. Both axes have round ticks over the data.

use super::chart_axis::{
    axis_name, svg_open, text_width, x_axis, x_axis_overhang, y_axis, y_unit, Axis, Plot, COLOURS,
};
use super::html::escape;

const TOP: f64 = 28.0;
const PLOT_HEIGHT: f64 = 200.0;
/// From the plot's bottom to the legend's first row: tick labels, axis name.
const BOTTOM: f64 = 52.0;
const PLOT_WIDTH: f64 = 560.0;
const LEGEND_ROW: f64 = 18.0;
/// The legend's colour square and the gap after an entry.
const LEGEND_MARK: f64 = 16.0;
const LEGEND_GAP: f64 = 16.0;

/// A corner of a step line; `title` (when there is one) is its dot's hover text.
#[derive(Clone, Debug, PartialEq)]
pub struct StepPoint {
    pub x: f64,
    pub y: f64,
    pub title: Option<String>,
}

/// One step line: the value holds from each point to the next.
#[derive(Clone, Debug, PartialEq)]
pub struct StepSeries {
    pub name: String,
    pub points: Vec<StepPoint>,
}

/// What a step chart shows.
pub struct StepChart<'a> {
    /// Labels the SVG for readers (the page titles it).
    pub title: &'a str,
    pub x_name: &'a str,
    pub y_unit: &'a str,
    pub series: &'a [StepSeries],
}

fn span(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), value| {
        (low.min(value), high.max(value))
    });
    (low.is_finite() && high.is_finite()).then_some((low, high))
}

/// The chart; a legend entry per series when there is more than one.
pub fn step_chart(chart: &StepChart<'_>) -> String {
    let points = || chart.series.iter().flat_map(|one| one.points.iter());
    let (Some((x_low, x_high)), Some((y_low, y_high))) =
        (span(points().map(|point| point.x)), span(points().map(|point| point.y)))
    else {
        return "<p>No value to chart.</p>\n".to_string();
    };
    let (x_axis_ticks, y_axis_ticks) = (Axis::over(x_low, x_high), Axis::over(y_low, y_high));
    let plot = Plot {
        left: y_axis_ticks.left_margin(),
        top: TOP,
        width: PLOT_WIDTH.max(text_width(chart.x_name)),
        height: PLOT_HEIGHT,
    };
    let legend = chart.series.len() > 1;
    let entry_width = chart
        .series
        .iter()
        .map(|one| LEGEND_MARK + text_width(&one.name) + LEGEND_GAP)
        .fold(0.0, f64::max);
    let per_row = ((plot.width / entry_width).floor() as usize).max(1);
    let rows = if legend {
        chart.series.len().div_ceil(per_row)
    } else {
        0
    };
    let width = plot.right() + x_axis_overhang(&x_axis_ticks).max(entry_width - plot.width);
    let height = TOP + PLOT_HEIGHT + BOTTOM + LEGEND_ROW * rows as f64;
    let mut svg = svg_open(width, height, chart.title);
    svg.push_str(&y_axis(&plot, &y_axis_ticks));
    svg.push_str(&y_unit(&plot, chart.y_unit));
    svg.push_str(&x_axis(&plot, &x_axis_ticks));
    svg.push_str(&axis_name(&plot, 38.0, chart.x_name));
    for (index, one) in chart.series.iter().enumerate() {
        let colour = COLOURS[index % COLOURS.len()];
        let corners: Vec<(f64, f64)> = one
            .points
            .iter()
            .map(|point| (plot.x(&x_axis_ticks, point.x), plot.y(&y_axis_ticks, point.y)))
            .collect();
        let mut path: Vec<String> = Vec::new();
        for (position, (x, y)) in corners.iter().enumerate() {
            if let Some((_, previous_y)) = position.checked_sub(1).and_then(|before| corners.get(before)) {
                path.push(format!("{x:.1},{previous_y:.1}"));
            }
            path.push(format!("{x:.1},{y:.1}"));
        }
        svg.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{}\"><title>{}</title></polyline>\n",
            path.join(" "),
            escape(&one.name)
        ));
        for (point, (x, y)) in one.points.iter().zip(&corners) {
            if let Some(title) = &point.title {
                svg.push_str(&format!(
                    "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"{colour}\"><title>{}</title></circle>\n",
                    escape(title)
                ));
            }
        }
        if legend {
            let entry_x = plot.left + entry_width * (index % per_row) as f64;
            let entry_y = TOP + PLOT_HEIGHT + BOTTOM + LEGEND_ROW * (index / per_row) as f64 + 10.0;
            svg.push_str(&format!(
                "<rect x=\"{entry_x:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"{colour}\"/>\
                 <text x=\"{:.1}\" y=\"{entry_y:.1}\">{}</text>\n",
                entry_y - 9.0,
                entry_x + LEGEND_MARK,
                escape(&one.name)
            ));
        }
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(x: f64, y: f64, title: Option<&str>) -> StepPoint {
        StepPoint {
            x,
            y,
            title: title.map(str::to_string),
        }
    }

    #[test]
    fn a_step_line_holds_each_value_until_the_next_point() {
        let series = [StepSeries {
            name: "seed 0".into(),
            points: vec![
                point(0.0, 0.0, None),
                point(5.0, 1.0, Some("a <1>")),
                point(10.0, 0.0, Some("b")),
            ],
        }];
        let svg = step_chart(&StepChart {
            title: "t",
            x_name: "time (h)",
            y_unit: "count",
            series: &series,
        });
        // x 0..10 over 560 px from 34.5 (y labels of 3 characters, 0.2),
        // y 0..1 over 200 px from 228 up.
        assert!(
            svg.contains("points=\"34.5,228.0 314.5,228.0 314.5,28.0 594.5,28.0 594.5,228.0\""),
            "{svg}"
        );
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("<title>a &lt;1&gt;</title>"));
        assert!(!svg.contains("<rect"), "one series has no legend");
        let empty = StepChart {
            title: "t",
            x_name: "x",
            y_unit: "u",
            series: &[],
        };
        assert_eq!(step_chart(&empty), "<p>No value to chart.</p>\n");
    }

    #[test]
    fn the_legend_wraps_into_rows() {
        let series: Vec<StepSeries> = (0..12)
            .map(|seed| StepSeries {
                name: format!("seed {seed}"),
                points: vec![point(0.0, 0.0, None), point(1.0, seed as f64, None)],
            })
            .collect();
        let svg = step_chart(&StepChart {
            title: "t",
            x_name: "x",
            y_unit: "u",
            series: &series,
        });
        assert_eq!(svg.matches("<rect").count(), 12);
        // Entries 16 + 7 × 7.5 + 16 = 84.5 px wide: 6 to a 560 px row, 2 rows.
        assert!(svg.contains("height=\"316\""), "{svg}");
    }
}
