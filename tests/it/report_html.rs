//! What `report.html` shows a researcher: the charts its kind of study
//! calls for (sync charts without attackers; the attackers' CDFs and
//! holding access over time with them), axes over the data rather than
//! from 0, every seed in a table, an Expectations section judging each
//! bound, and no text estimated to overflow its SVG.

use sessionlab::report::layout_check::overflowing_texts;
use sessionlab::report::{aggregate, html::report_html, Batch, Row};
use sessionlab::scenario::{Draws, MetricId, MetricRow, MetricValue};
use sessionlab_testkit::scenario_fixture::{inline, ScenarioFixture};

use crate::run_reports::one_thief;
use crate::support::binary::{in_process, scratch};
use crate::support::sim::tiny_world;

/// `fixture` run over its seeds: its `report.html`, after checking the exit code.
fn report_page(test: &str, name: &str, fixture: &ScenarioFixture, code: u8) -> String {
    let directory = scratch(&format!("report-html-{test}"));
    let file = directory.join(format!("{name}.toml"));
    std::fs::write(&file, fixture.render()).expect("a scenario file");
    let out = directory.join("out");
    let utf8 = |path: &std::path::Path| path.to_str().expect("a utf-8 path").to_string();
    let (exit, _, stderr) = in_process(&["run", &utf8(&file), "--out", &utf8(&out)]);
    assert_eq!(exit, code, "{stderr}");
    std::fs::read_to_string(out.join(name).join("report.html")).expect("report.html")
}

/// The `<section>` titled `title`, up to its end.
fn section<'a>(page: &'a str, title: &str) -> &'a str {
    let start = page
        .find(&format!("<h2>{title}</h2>"))
        .unwrap_or_else(|| panic!("no section {title}"));
    let length = page[start..].find("</section>").expect("the section's end");
    &page[start..start + length]
}

#[test]
fn a_sync_study_charts_sync_and_judges_each_bound() {
    let fixture = tiny_world("sync-study")
        .duration("4h")
        .seeds("0..3")
        .accounts(2)
        .online("1000d", "1s")
        .updates(100, 200)
        .expect("updates_lost", 0)
        .expect("sync_converged", true)
        .expect("sync_overhead_ratio", inline([("max", 0.5.into())]));
    let page = report_page("sync", "sync-study", &fixture, 1);
    assert!(page.contains("<p>A sync study (no attacker)"));
    for title in [
        "sync_bytes_up",
        "sync_overhead_ratio",
        "push_latency_p99_ms",
        "difference_calls",
    ] {
        let chart = section(&page, title);
        assert_eq!(chart.matches("<circle").count(), 3, "a dot per seed in {title}");
        for seed in 0..3 {
            assert!(
                chart.contains(&format!("<tr><td>{seed}</td>")),
                "seed {seed} in {title}'s table"
            );
            assert!(
                chart.contains(&format!("<title>seed {seed}: ")),
                "seed {seed} on hover in {title}"
            );
        }
    }
    assert!(!page.contains("Time to eviction") && !page.contains("holding access"));
    assert!(
        !page.contains("<h2>logout_bypasses</h2>"),
        "no attack metric is charted"
    );
    let expectations = section(&page, "Expectations");
    assert!(expectations.contains("<p>2 of 3 bounds of the scenario's [expect] section hold on every seed.</p>"));
    assert!(expectations
        .contains("<tr class=\"pass\"><td>updates_lost</td><td>= 0</td><td>0 on every seed</td><td>pass</td></tr>"));
    assert!(expectations.contains(
        "<tr class=\"pass\"><td>sync_converged</td><td>= true</td><td>true on 3 of 3 seeds</td><td>pass</td></tr>"
    ));
    assert!(
        expectations.contains("<tr class=\"fail\"><td>sync_overhead_ratio</td><td>&lt;= 0.5</td>"),
        "{expectations}"
    );
    assert!(expectations.contains("<td>FAIL: seed 0 gave "), "{expectations}");
    assert_eq!(overflowing_texts(&page), Vec::<String>::new());
}

#[test]
fn an_attack_study_gets_the_attackers_cdfs_and_holding_access() {
    let page = report_page("attack", "one-thief", &one_thief(), 0);
    assert!(page.contains("<p>An attack study (the scenario has attackers)"));
    assert!(!page.contains("<h2>sync_overhead_ratio</h2>"), "no sync chart");
    // The thief of each seed is evicted 1 h 40 ms after its copy at 1 h
    // (run_reports::attackers_csv_has_one_row_per_seed_attacker_and_account):
    // under 2 h, so in minutes.
    let eviction = section(&page, "Time to eviction, per attacker");
    assert!(eviction.contains("2 of the 2 that acquired access were evicted by the end."));
    for seed in 0..2 {
        assert!(eviction.contains(&format!(
            "<tr><td>{seed}</td><td>thief</td><td>1000</td><td>60.000667</td></tr>"
        )));
        assert!(eviction.contains(&format!(
            "<title>seed {seed}, thief on account 1000: 60.000667 min</title>"
        )));
    }
    // Its last request was accepted at the commit itself, not after it.
    assert!(page.contains("<p class=\"note\">No attacker of any seed had a request accepted after its eviction.</p>"));
    let holding = section(&page, "Attackers holding access over time");
    for seed in 0..2 {
        assert!(
            holding.contains(&format!("<tr><td>{seed}</td><td>1</td><td>1</td></tr>")),
            "{holding}"
        );
        assert!(holding.contains(&format!("<tr><td>{seed}</td><td>2.000011</td><td>0</td></tr>")));
        assert!(holding.contains("<rect") && holding.contains(&format!(">seed {seed}</text>")));
    }
    // Nothing bypassed, survived or was compromised: named, not charted.
    assert!(page.contains("<p class=\"note\">Not charted, 0 on every seed: logout_bypasses, max_bypass_window_ms,"));
    assert_eq!(overflowing_texts(&page), Vec::<String>::new());
}

fn row(seed: u64, ratio: f64) -> Row {
    Row {
        seed,
        values: MetricRow::from_fn(|id| match id {
            MetricId::SyncOverheadRatio => MetricValue::Number(ratio),
            MetricId::SyncConverged => MetricValue::Bool(true),
            _ => MetricValue::Number(0.0),
        }),
        params: Draws::default(),
        attackers: Vec::new(),
        violations: Vec::new(),
    }
}

/// The page of `rows`, with no `[expect]` bound.
fn page_of(rows: &[Row]) -> String {
    report_html(&Batch {
        name: "rows",
        description: "",
        rows,
        summaries: &aggregate(rows),
        expectations: &[],
    })
}

#[test]
fn a_narrow_spread_gets_an_axis_over_it_not_from_zero() {
    let page = page_of(&[row(0, 1.27), row(1, 1.34), row(2, 1.3)]);
    let chart = section(&page, "sync_overhead_ratio");
    let ticks: Vec<&str> = chart
        .split("text-anchor=\"end\">")
        .skip(1)
        .filter_map(|rest| rest.split('<').next())
        .collect();
    assert_eq!(ticks, ["1.26", "1.28", "1.3", "1.32", "1.34"]);
    assert!(chart.contains("Mean 1.303333 (dashed), min 1.27, max 1.34, over 3 seeds."));
    // The other sync metrics are 0 on every seed: a note, no chart.
    assert_eq!(page.matches("<svg").count(), 1);
    assert!(page.contains(
        "<p class=\"note\">Not charted, 0 on every seed: sync_bytes_up, sync_bytes_down, push_latency_p50_ms,"
    ));
    assert!(page.contains("<p class=\"note\">The scenario states no [expect] bound.</p>"));
    assert_eq!(overflowing_texts(&page), Vec::<String>::new());
}

#[test]
fn many_seeds_and_long_labels_still_fit() {
    let rows: Vec<Row> = (1_000_000..1_000_064)
        .map(|seed| row(seed, 123_456.789 + seed as f64))
        .collect();
    let page = page_of(&rows);
    assert_eq!(overflowing_texts(&page), Vec::<String>::new());
    let chart = section(&page, "sync_overhead_ratio");
    assert_eq!(chart.matches("<circle").count(), 64);
    // 64 rows: the table folds, and still names each seed.
    assert!(chart.contains("<details><summary>The table (64 rows)</summary>"));
    assert!(chart.contains("<tr><td>1000063</td>"));
}
