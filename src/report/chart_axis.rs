//! What every inline SVG chart of the reports shares: round ticks over
//! the data (an axis starts at 0 only when the data do), text widths
//! estimated generously so margins can be sized to the labels, the axes'
//! lines and labels, and the `<svg>` element itself (its `viewBox` the
//! size of its contents, so the page's layout check can hold every
//! `<text>` to it).

use super::html::escape;
use super::text::format_number;

/// The colours of series, in order.
pub const COLOURS: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#7f7f7f",
];
/// The charts' font size, px.
pub const FONT_SIZE: f64 = 12.0;
/// Width per character of a 12 px sans-serif label, generously (digits
/// are about 6.7 px, the widest capitals about 11 px, most letters 5–7).
pub const CHARACTER_WIDTH: f64 = 7.5;
/// Ticks on an axis, about.
const TICKS: f64 = 5.0;
/// Room between tick labels and the axis line.
const LABEL_GAP: f64 = 6.0;

/// The estimated width of `text` at [`FONT_SIZE`] (never less than it draws).
pub fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHARACTER_WIDTH
}

/// Round ticks covering `low..=high`: steps of 1, 2 or 5 times a power of ten.
pub fn ticks(low: f64, high: f64) -> Vec<f64> {
    let (low, high) = if high > low {
        (low, high)
    } else {
        (low - 0.5, high + 0.5)
    };
    let raw_step = (high - low) / TICKS;
    let magnitude = 10f64.powf(raw_step.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|factor| factor * magnitude)
        .find(|step| *step >= raw_step)
        .unwrap_or(10.0 * magnitude);
    // A hair of slack: 1.34 / 0.02 is 67.00000000000001, not past 67.
    let first = (low / step + 1e-9).floor() as i64;
    let last = (high / step - 1e-9).ceil() as i64;
    // Rounded to the step's own precision, so 1.3 is not 1.3000000000000003.
    let decimals = (-magnitude.log10()).max(0.0) as i32 + 1;
    let scale = 10f64.powi(decimals);
    (first..=last)
        .map(|index| (index as f64 * step * scale).round() / scale)
        .collect()
}

/// One numeric axis: its ticks, the first and last of them its ends.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub ticks: Vec<f64>,
}

impl Axis {
    /// The axis over the values `low..=high` (not from 0 unless they are).
    pub fn over(low: f64, high: f64) -> Axis {
        Axis {
            ticks: ticks(low, high),
        }
    }

    /// The lowest tick.
    pub fn low(&self) -> f64 {
        self.ticks.first().copied().unwrap_or(0.0)
    }

    /// The highest tick.
    pub fn high(&self) -> f64 {
        self.ticks.last().copied().unwrap_or(1.0)
    }

    /// Where `value` falls between `from` (at [`Axis::low`]) and `to` (at [`Axis::high`]).
    pub fn place(&self, value: f64, from: f64, to: f64) -> f64 {
        let span = self.high() - self.low();
        if span <= 0.0 {
            return (from + to) / 2.0;
        }
        from + (to - from) * (value - self.low()) / span
    }

    /// The widest tick label's estimated width.
    pub fn label_width(&self) -> f64 {
        self.ticks
            .iter()
            .map(|tick| text_width(&format_number(*tick)))
            .fold(0.0, f64::max)
    }

    /// The left margin a y axis of these ticks needs: its labels and a gap.
    pub fn left_margin(&self) -> f64 {
        self.label_width() + 2.0 * LABEL_GAP
    }
}

/// The plot area of a chart, in the SVG's coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plot {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

impl Plot {
    pub fn right(&self) -> f64 {
        self.left + self.width
    }

    pub fn bottom(&self) -> f64 {
        self.top + self.height
    }

    /// The y coordinate of `value` on `axis`.
    pub fn y(&self, axis: &Axis, value: f64) -> f64 {
        axis.place(value, self.bottom(), self.top)
    }

    /// The x coordinate of `value` on `axis`.
    pub fn x(&self, axis: &Axis, value: f64) -> f64 {
        axis.place(value, self.left, self.right())
    }
}

/// The y axis: a grid line and a right-aligned label per tick.
pub fn y_axis(plot: &Plot, axis: &Axis) -> String {
    let mut svg = String::new();
    for tick in &axis.ticks {
        let y = plot.y(axis, *tick);
        svg.push_str(&format!(
            "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#eee\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            plot.left,
            plot.right(),
            plot.left - LABEL_GAP,
            y + 4.0,
            format_number(*tick),
        ));
    }
    svg.push_str(&format!(
        "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{1:.1}\" y2=\"{2:.1}\" stroke=\"#888\"/>\n",
        plot.left,
        plot.top,
        plot.bottom()
    ));
    svg
}

/// A numeric x axis: the axis line, a mark and a centred label per tick.
pub fn x_axis(plot: &Plot, axis: &Axis) -> String {
    let bottom = plot.bottom();
    let mut svg = format!(
        "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{bottom:.1}\" y2=\"{bottom:.1}\" stroke=\"#888\"/>\n",
        plot.left,
        plot.right()
    );
    for tick in &axis.ticks {
        let x = plot.x(axis, *tick);
        svg.push_str(&format!(
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{bottom:.1}\" y2=\"{:.1}\" stroke=\"#888\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
            bottom + 4.0,
            bottom + 18.0,
            format_number(*tick),
        ));
    }
    svg
}

/// Room right of the plot for the half of the last x label that overhangs it.
pub fn x_axis_overhang(axis: &Axis) -> f64 {
    axis.label_width() / 2.0 + LABEL_GAP
}

/// A label centred under the plot, `below` px under its bottom line.
pub fn axis_name(plot: &Plot, below: f64, name: &str) -> String {
    format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
        plot.left + plot.width / 2.0,
        plot.bottom() + below,
        escape(name)
    )
}

/// The unit of the y axis, above its labels at the top left.
pub fn y_unit(plot: &Plot, unit: &str) -> String {
    format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"start\" fill=\"#555\">{}</text>\n",
        LABEL_GAP,
        plot.top - 8.0,
        escape(unit)
    )
}

/// The opening `<svg>` of a `width` × `height` chart labelled `title`.
pub fn svg_open(width: f64, height: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-label=\"{}\" \
         font-size=\"{FONT_SIZE}\" font-family=\"sans-serif\">\n",
        escape(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range_without_starting_at_zero() {
        assert_eq!(ticks(1.27, 1.34), [1.26, 1.28, 1.3, 1.32, 1.34]);
        assert_eq!(ticks(0.0, 100.0), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(ticks(5.0, 5.0), [4.4, 4.6, 4.8, 5.0, 5.2, 5.4, 5.6]);
        assert_eq!(ticks(140005.0, 186329.0)[0], 140000.0);
    }

    #[test]
    fn an_axis_places_values_between_its_end_ticks() {
        let axis = Axis::over(1.27, 1.34);
        assert_eq!((axis.low(), axis.high()), (1.26, 1.34));
        assert_eq!(axis.place(1.26, 100.0, 0.0), 100.0);
        assert_eq!(axis.place(1.3, 100.0, 0.0), 50.0);
        assert_eq!(axis.label_width(), 4.0 * CHARACTER_WIDTH);
        assert_eq!(axis.left_margin(), 4.0 * CHARACTER_WIDTH + 12.0);
    }
}
