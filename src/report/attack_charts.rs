//! The charts of an attack study drawn from its attacker rows (the rows of
//! `attackers.csv`, every attacker of every seed), each with its table:
//!
//! - how long an attacker's requests were still accepted after its
//!   eviction (`last_accepted_ms − evicted_at_ms` where positive), as a
//!   CDF over every attacker of every seed;
//! - the time to eviction (`evicted_at_ms − acquired_at_ms`), as a CDF;
//! - the attackers holding access over time, one step line per seed: the
//!   (attacker, account) pairs acquired and not yet evicted.
//!
//! The rows carry no per-request bypass record, so the first is what a
//! researcher can recompute from `attackers.csv`; the exact per-seed
//! `max_bypass_window_ms` and `surviving_footholds` are strip charts.

use std::time::Duration;

use super::aggregate::Row;
use super::attacker_row::AttackerRow;
use super::html::{plain_table, Figure};
use super::step_chart::{step_chart, StepChart, StepPoint, StepSeries};
use super::text::format_number;

/// A unit of time for an axis: its name and its length in ms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeUnit {
    pub name: &'static str,
    pub millis: f64,
}

/// The unit in which `longest_ms` is at least 2 (ms, s, min or h).
pub fn time_unit(longest_ms: f64) -> TimeUnit {
    [("h", 3_600_000.0), ("min", 60_000.0), ("s", 1000.0)]
        .into_iter()
        .find(|(_, millis)| longest_ms >= 2.0 * millis)
        .map_or(
            TimeUnit {
                name: "ms",
                millis: 1.0,
            },
            |(name, millis)| TimeUnit { name, millis },
        )
}

fn millis(time: Duration) -> f64 {
    time.as_micros() as f64 / 1000.0
}

/// One attacker row of one seed and a time measured on it, ms.
struct Measured<'a> {
    seed: u64,
    attacker: &'a AttackerRow,
    millis: f64,
}

fn measured<'a>(rows: &'a [Row], measure: impl Fn(&AttackerRow) -> Option<f64>) -> Vec<Measured<'a>> {
    let mut values: Vec<Measured<'a>> = rows
        .iter()
        .flat_map(|row| row.attackers.iter().map(move |attacker| (row.seed, attacker)))
        .filter_map(|(seed, attacker)| measure(attacker).map(|millis| Measured { seed, attacker, millis }))
        .collect();
    values.sort_by(|a, b| a.millis.total_cmp(&b.millis).then(a.seed.cmp(&b.seed)));
    values
}

fn accepted_after_eviction(attacker: &AttackerRow) -> Option<f64> {
    let after = millis(attacker.last_accepted_at?) - millis(attacker.evicted_at?);
    (after > 0.0).then_some(after)
}

fn time_to_eviction(attacker: &AttackerRow) -> Option<f64> {
    Some(millis(attacker.evicted_at?.saturating_sub(attacker.acquired_at?)))
}

/// A step chart whose x axis is a time in `unit`, and that axis's name.
fn timed_chart(title: &str, x_name: &str, unit: TimeUnit, y_unit: &str, series: &[StepSeries]) -> (String, String) {
    let x_name = format!("{x_name} ({})", unit.name);
    let svg = step_chart(&StepChart {
        title,
        x_name: &x_name,
        y_unit,
        series,
    });
    (svg, x_name)
}

/// A CDF of `values` as a figure, or `None` when there is no value.
fn cdf_figure(title: &str, caption: String, x_name: &str, values: &[Measured<'_>]) -> Option<Figure> {
    let last = values.last()?;
    let unit = time_unit(last.millis);
    let count = values.len() as f64;
    let mut points = vec![StepPoint {
        x: values[0].millis / unit.millis,
        y: 0.0,
        title: None,
    }];
    points.extend(values.iter().enumerate().map(|(index, value)| StepPoint {
        x: value.millis / unit.millis,
        y: (index + 1) as f64 / count,
        title: Some(format!(
            "seed {}, {} on account {}: {} {}",
            value.seed,
            value.attacker.attacker,
            value.attacker.account,
            format_number(value.millis / unit.millis),
            unit.name
        )),
    }));
    let series = [StepSeries {
        name: "every attacker of every seed".into(),
        points,
    }];
    let (svg, x_name) = timed_chart(title, x_name, unit, "fraction of attackers", &series);
    let rows = values
        .iter()
        .map(|value| {
            vec![
                value.seed.to_string(),
                value.attacker.attacker.clone(),
                value.attacker.account.to_string(),
                format_number(value.millis / unit.millis),
            ]
        })
        .collect();
    Some(Figure {
        title: title.to_string(),
        caption,
        svg,
        table: plain_table(&["seed", "attacker", "account", &x_name], rows),
    })
}

/// Per seed, the times the count of attackers holding access changed and
/// the count from then on.
fn holding_access(row: &Row) -> Vec<(f64, i64)> {
    let mut changes: Vec<(f64, i64)> = Vec::new();
    for attacker in &row.attackers {
        let Some(acquired) = attacker.acquired_at else {
            continue;
        };
        changes.push((millis(acquired), 1));
        if let Some(evicted) = attacker.evicted_at {
            changes.push((millis(evicted.max(acquired)), -1));
        }
    }
    changes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut counts: Vec<(f64, i64)> = Vec::new();
    let mut holding = 0;
    for (time, change) in changes {
        holding += change;
        match counts.last_mut() {
            Some(last) if last.0 == time => last.1 = holding,
            _ => counts.push((time, holding)),
        }
    }
    counts
}

fn latest_time(attacker: &AttackerRow) -> f64 {
    [attacker.acquired_at, attacker.last_accepted_at, attacker.evicted_at]
        .into_iter()
        .flatten()
        .map(millis)
        .fold(0.0, f64::max)
}

fn holding_access_figure(rows: &[Row]) -> Option<Figure> {
    let per_seed: Vec<(u64, Vec<(f64, i64)>)> = rows.iter().map(|row| (row.seed, holding_access(row))).collect();
    if per_seed.iter().all(|(_, counts)| counts.is_empty()) {
        return None;
    }
    let end = rows
        .iter()
        .flat_map(|row| row.attackers.iter().map(latest_time))
        .fold(0.0, f64::max);
    let unit = time_unit(end);
    let mut series = Vec::new();
    let mut table = Vec::new();
    for (seed, counts) in &per_seed {
        let mut points = vec![StepPoint {
            x: 0.0,
            y: 0.0,
            title: None,
        }];
        for (time, holding) in counts {
            let at = format_number(time / unit.millis);
            points.push(StepPoint {
                x: time / unit.millis,
                y: *holding as f64,
                title: Some(format!("seed {seed} at {at} {}: {holding} holding access", unit.name)),
            });
            table.push(vec![seed.to_string(), at, holding.to_string()]);
        }
        let last = points.last().map_or(0.0, |point| point.y);
        points.push(StepPoint {
            x: end / unit.millis,
            y: last,
            title: None,
        });
        series.push(StepSeries {
            name: format!("seed {seed}"),
            points,
        });
    }
    let title = "Attackers holding access over time";
    let (svg, x_name) = timed_chart(title, "time since the start", unit, "attackers holding access", &series);
    Some(Figure {
        title: title.to_string(),
        caption: "Per seed, the (attacker, target account) pairs of attackers.csv holding access: \
                  from acquired_at_ms until evicted_at_ms (never evicted: on to the latest time \
                  attackers.csv records, where the lines end). The table lists each change."
            .to_string(),
        svg,
        table: plain_table(&["seed", &x_name, "holding access from then on"], table),
    })
}

/// The attack study's figures from the attacker rows, and a note for each
/// one left out for want of data.
pub fn attack_figures(rows: &[Row]) -> (Vec<Figure>, Vec<String>) {
    let mut figures = Vec::new();
    let mut notes = Vec::new();
    let after = measured(rows, accepted_after_eviction);
    match cdf_figure(
        "Requests accepted after eviction, per attacker",
        "For each attacker of each seed with a request accepted after its eviction: last_accepted_ms − \
         evicted_at_ms, how long after the revocation of the last authorization it held its requests \
         were still accepted (a bypass window, measured from attackers.csv). As a CDF: the share of \
         those attackers whose window was at most x."
            .to_string(),
        "accepted after eviction",
        &after,
    ) {
        Some(figure) => figures.push(figure),
        None => notes.push("No attacker of any seed had a request accepted after its eviction.".to_string()),
    }
    let evictions = measured(rows, time_to_eviction);
    let acquired = rows
        .iter()
        .flat_map(|row| &row.attackers)
        .filter(|attacker| attacker.acquired_at.is_some())
        .count();
    match cdf_figure(
        "Time to eviction, per attacker",
        format!(
            "evicted_at_ms − acquired_at_ms for each evicted attacker of each seed, as a CDF: {} of the \
             {acquired} that acquired access were evicted by the end.",
            evictions.len()
        ),
        "time to eviction",
        &evictions,
    ) {
        Some(figure) => figures.push(figure),
        None => notes.push("No attacker of any seed was evicted.".to_string()),
    }
    match holding_access_figure(rows) {
        Some(figure) => figures.push(figure),
        None => notes.push("No attacker of any seed acquired access.".to_string()),
    }
    (figures, notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Draws, MetricRow, MetricValue};

    fn attacker(acquired_s: u64, last_s: Option<u64>, evicted_s: Option<u64>) -> AttackerRow {
        AttackerRow {
            attacker: "thief".into(),
            account: 1000,
            acquisition: "stolen_key".into(),
            acquired_at: Some(Duration::from_secs(acquired_s)),
            first_accepted_at: Some(Duration::from_secs(acquired_s)),
            last_accepted_at: last_s.map(Duration::from_secs),
            evicted_at: evicted_s.map(Duration::from_secs),
            evicted_by: evicted_s.map(|_| "log_out".to_string()),
            updates_exfiltrated: 0,
            footholds_minted: 0,
            footholds_surviving: 0,
        }
    }

    fn row(seed: u64, attackers: Vec<AttackerRow>) -> Row {
        Row {
            seed,
            values: MetricRow::from_fn(|_| MetricValue::Number(0.0)),
            params: Draws::default(),
            attackers,
            violations: Vec::new(),
        }
    }

    #[test]
    fn time_units_keep_axis_numbers_readable() {
        assert_eq!(time_unit(1500.0).name, "ms");
        assert_eq!(time_unit(2000.0).name, "s");
        assert_eq!(time_unit(600_000.0).name, "min");
        assert_eq!(time_unit(86_400_000.0).name, "h");
    }

    #[test]
    fn holding_access_rises_at_acquisition_and_falls_at_eviction() {
        let seed = row(
            3,
            vec![
                attacker(10, Some(20), Some(30)),
                attacker(20, None, None),
                attacker(30, None, Some(30)),
            ],
        );
        assert_eq!(holding_access(&seed), [(10_000.0, 1), (20_000.0, 2), (30_000.0, 1)]);
    }

    #[test]
    fn an_attack_study_gets_cdfs_and_holding_access_each_with_a_table() {
        let rows = [
            row(0, vec![attacker(3600, Some(7300), Some(7200))]),
            row(
                1,
                vec![attacker(3600, Some(3700), Some(10_800)), attacker(0, None, None)],
            ),
        ];
        let (figures, notes) = attack_figures(&rows);
        let titles: Vec<&str> = figures.iter().map(|figure| figure.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Requests accepted after eviction, per attacker",
                "Time to eviction, per attacker",
                "Attackers holding access over time"
            ]
        );
        assert!(notes.is_empty(), "{notes:?}");
        // 100 s after eviction on seed 0 only, in seconds.
        assert!(figures[0]
            .svg
            .contains("<title>seed 0, thief on account 1000: 100 s</title>"));
        assert!(figures[0]
            .table
            .contains("<td>0</td><td>thief</td><td>1000</td><td>100</td>"));
        // One hour and two hours to eviction: half and all of the evicted.
        assert!(figures[1].caption.contains("2 of the 3 that acquired access"));
        assert!(figures[1]
            .table
            .contains("<td>1</td><td>thief</td><td>1000</td><td>2</td>"));
        // Seed 1 holds two from 1 h, one from 3 h; its line runs to the end.
        assert!(
            figures[2].table.contains("<td>1</td><td>1</td><td>2</td>"),
            "{}",
            figures[2].table
        );
        assert!(figures[2].svg.contains("seed 1 at 3 h: 1 holding access"));
        let (none, notes) = attack_figures(&[row(0, Vec::new())]);
        assert!(none.is_empty());
        assert_eq!(notes.len(), 3);
    }
}
