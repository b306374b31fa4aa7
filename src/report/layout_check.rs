//! The reports' layout self-check, twice: in Rust, every `<text>` of every
//! inline SVG, at its estimated width ([`text_width`], generous), lies
//! inside its SVG's `viewBox` ([`overflowing_texts`], what the tests
//! assert); and in the browser, the page's one script measures each
//! `<text>` as drawn (`getBBox`) against its SVG's `viewBox` on load and
//! writes `layout ok` or `layout overflow: …` into `#layout-check`, what
//! CI reads back from headless Chromium's DOM.

use super::chart_axis::{text_width, FONT_SIZE};

/// The paragraph the script fills in, and the script.
pub const LAYOUT_CHECK: &str = "<p id=\"layout-check\">layout not checked (the page's script did not run)</p>\n\
<script>\n\
addEventListener('load', function () {\n\
  var problems = [];\n\
  document.querySelectorAll('svg').forEach(function (svg) {\n\
    var box = svg.viewBox.baseVal;\n\
    svg.querySelectorAll('text').forEach(function (text) {\n\
      var b = text.getBBox();\n\
      if (b.x < box.x - 0.5 || b.y < box.y - 0.5 || b.x + b.width > box.x + box.width + 0.5 ||\n\
          b.y + b.height > box.y + box.height + 0.5) {\n\
        problems.push('\"' + text.textContent + '\" at ' + [b.x, b.y, b.width, b.height].map(Math.round).join(',') +\n\
          ' outside ' + box.width + 'x' + box.height);\n\
      }\n\
    });\n\
  });\n\
  document.getElementById('layout-check').textContent =\n\
    problems.length ? 'layout overflow: ' + problems.join('; ') : 'layout ' + 'ok';\n\
});\n\
</script>\n";

/// The value of attribute `name` in the tag text `tag`.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let length = tag[start..].find('"')?;
    Some(&tag[start..start + length])
}

fn number(tag: &str, name: &str) -> Option<f64> {
    attribute(tag, name)?.parse().ok()
}

/// Characters as drawn: an entity (`&amp;`) is one.
fn drawn_text(markup: &str) -> String {
    let mut out = String::new();
    let mut rest = markup;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find(';').map_or(rest.len(), |end| start + end + 1);
        out.push('&');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Each `<text>` of `page` whose estimated box leaves its SVG's `viewBox`
/// (or that has no position, or an SVG without a `viewBox`), described.
pub fn overflowing_texts(page: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for svg in page.split("<svg ").skip(1) {
        let svg = svg.split("</svg>").next().unwrap_or(svg);
        let view_box: Vec<f64> = attribute(&format!(" {svg}"), "viewBox")
            .map(|text| text.split(' ').filter_map(|part| part.parse().ok()).collect())
            .unwrap_or_default();
        let [box_x, box_y, box_width, box_height] = view_box[..] else {
            problems.push("an svg without a viewBox".to_string());
            continue;
        };
        for element in svg.split("<text").skip(1) {
            let Some((tag, rest)) = element.split_once('>') else {
                continue;
            };
            let content = drawn_text(rest.split("</text>").next().unwrap_or(rest));
            let (Some(x), Some(y)) = (number(tag, "x"), number(tag, "y")) else {
                problems.push(format!("\"{content}\" has no position"));
                continue;
            };
            let width = text_width(&content);
            let left = match attribute(tag, "text-anchor") {
                Some("middle") => x - width / 2.0,
                Some("end") => x - width,
                _ => x,
            };
            let (top, bottom) = (y - FONT_SIZE, y + 0.3 * FONT_SIZE);
            if left < box_x || left + width > box_x + box_width || top < box_y || bottom > box_y + box_height {
                problems.push(format!(
                    "\"{content}\" spans x {left:.1}..{:.1}, y {top:.1}..{bottom:.1} of a {box_width}x{box_height} svg",
                    left + width
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_held_to_their_svg() {
        let fits = "<svg viewBox=\"0 0 100 40\"><text x=\"50\" y=\"20\" text-anchor=\"middle\">a &amp; b</text></svg>";
        assert_eq!(overflowing_texts(fits), Vec::<String>::new());
        let clipped = "<svg viewBox=\"0 0 100 40\"><text x=\"4\" y=\"20\" text-anchor=\"end\">12.5</text>\
                       <text x=\"10\" y=\"5\">top</text></svg>";
        assert_eq!(
            overflowing_texts(clipped),
            [
                "\"12.5\" spans x -26.0..4.0, y 8.0..23.6 of a 100x40 svg",
                "\"top\" spans x 10.0..32.5, y -7.0..8.6 of a 100x40 svg"
            ]
        );
        assert_eq!(
            overflowing_texts("<svg width=\"3\"></svg>"),
            ["an svg without a viewBox"]
        );
    }

    #[test]
    fn the_script_does_not_itself_say_layout_ok() {
        assert!(!LAYOUT_CHECK.contains("layout ok"));
    }
}
