//! Fuzz target `sweep_settings`: the `--set PATH=V1,V2,…` arguments of
//! `sessionlab sweep` (one per line of the input, before a NUL byte) and,
//! after the NUL, the scenario text they vary (`scenarios/smoke.toml` when
//! there is none). Arguments, grids and variants that do not hold must be
//! error values, never a panic; and a variant that parses draws every
//! swept setting on every seed, at the value it was set to.

use sessionlab::scenario::parse_scenario;
use sessionlab::scenario::variant::{grid, variant_source, SweepSetting};

const SMOKE: &str = include_str!("../../../scenarios/smoke.toml");
/// Variants checked per input at most (the grid may be larger).
const VARIANTS_CHECKED_MAX: usize = 4;

pub fn sweep_settings(data: &[u8]) {
    let mut parts = data.splitn(2, |byte| *byte == 0);
    let Ok(arguments) = std::str::from_utf8(parts.next().unwrap_or_default()) else {
        return;
    };
    let source = match parts.next() {
        Some(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => return,
        },
        None => SMOKE,
    };
    let settings: Vec<SweepSetting> = arguments.lines().filter_map(|line| line.parse().ok()).collect();
    let Ok(variants) = grid(&settings) else {
        return;
    };
    for variant in variants.iter().take(VARIANTS_CHECKED_MAX) {
        let Ok(text) = variant_source(source, variant) else {
            continue;
        };
        let Ok(scenario) = parse_scenario(&text, "fuzz.toml") else {
            continue;
        };
        let draws = scenario.draws(0);
        for (path, _) in &variant.values {
            assert!(draws.get(path).is_some(), "{variant}: `{path}` is not drawn");
        }
    }
}
