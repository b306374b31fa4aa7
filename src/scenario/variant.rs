//! Variants of a scenario for a sweep: the same file with some per-seed
//! settings fixed to one value each, written as a `[swarm]` entry of one
//! choice (`"network.loss" = [0.1]`), so that every path `[swarm]`
//! accepts can be swept and is validated exactly as a file's own entry.
//!
//! A `--set PATH=V1,V2,…` names the values; each is read as a TOML value
//! (`0.1`, `100`, `true`) or, when it is not one, as a string (`"30m"`,
//! `"async:2s"`). Values cannot contain commas.

use std::fmt;

/// Settings one sweep varies at most.
pub const MAX_SWEEP_SETTINGS: usize = 8;
/// Values one setting takes at most.
pub const MAX_SWEEP_VALUES: usize = 64;
/// Variants (the grid's size) one sweep runs at most.
pub const MAX_VARIANTS: usize = 1024;

/// One swept setting: its `[swarm]` path and the values it takes, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepSetting {
    pub path: String,
    pub values: Vec<toml::Value>,
}

/// Why a `--set` or a variant is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VariantError {
    #[error("`{text}` is not PATH=V1,V2,…: expected a setting's path, `=` and at least one value")]
    Malformed { text: String },
    #[error("`{path}` is set twice")]
    Repeated { path: String },
    #[error("at most {MAX_SWEEP_SETTINGS} settings may be swept")]
    TooManySettings,
    #[error("`{path}` takes {count} values: at most {MAX_SWEEP_VALUES}")]
    TooManyValues { path: String, count: usize },
    #[error("the grid has {count} variants: at most {MAX_VARIANTS}")]
    TooManyVariants { count: usize },
    #[error("the scenario is not a TOML table: {reason}")]
    Source { reason: String },
}

impl std::str::FromStr for SweepSetting {
    type Err = VariantError;

    fn from_str(text: &str) -> Result<SweepSetting, VariantError> {
        let malformed = || VariantError::Malformed { text: text.to_string() };
        let (path, values) = text.split_once('=').ok_or_else(malformed)?;
        let path = path.trim();
        let path_ok = !path.is_empty()
            && path
                .split('.')
                .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        if !path_ok || values.trim().is_empty() {
            return Err(malformed());
        }
        let values: Vec<toml::Value> = values.split(',').map(|value| read_value(value.trim())).collect();
        if values.len() > MAX_SWEEP_VALUES {
            return Err(VariantError::TooManyValues {
                path: path.to_string(),
                count: values.len(),
            });
        }
        if values
            .iter()
            .any(|value| matches!(value, toml::Value::String(text) if text.is_empty()))
        {
            return Err(malformed());
        }
        Ok(SweepSetting {
            path: path.to_string(),
            values,
        })
    }
}

/// `PATH=V1,V2,…` as `--set` takes it: parsing it gives the setting back.
impl fmt::Display for SweepSetting {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let values: Vec<String> = self.values.iter().map(value_text).collect();
        write!(formatter, "{}={}", self.path, values.join(","))
    }
}

/// A value as TOML reads it, else the text as a string.
fn read_value(text: &str) -> toml::Value {
    toml::from_str::<toml::Table>(&format!("value = {text}"))
        .ok()
        .and_then(|mut table| table.remove("value"))
        .unwrap_or_else(|| toml::Value::String(text.to_string()))
}

/// A value as a cell and a label: strings bare, the rest as TOML writes them.
pub fn value_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// One point of the grid: a value for each swept setting, in `--set` order.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    pub values: Vec<(String, toml::Value)>,
}

impl fmt::Display for Variant {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, (path, value)) in self.values.iter().enumerate() {
            let separator = if index == 0 { "" } else { " " };
            write!(formatter, "{separator}{path}={}", value_text(value))?;
        }
        Ok(())
    }
}

/// Every variant of `settings`, the last setting varying fastest; refuses
/// repeated paths and grids beyond the limits.
pub fn grid(settings: &[SweepSetting]) -> Result<Vec<Variant>, VariantError> {
    if settings.len() > MAX_SWEEP_SETTINGS {
        return Err(VariantError::TooManySettings);
    }
    for (index, setting) in settings.iter().enumerate() {
        if settings[..index].iter().any(|earlier| earlier.path == setting.path) {
            return Err(VariantError::Repeated {
                path: setting.path.clone(),
            });
        }
    }
    let count = settings
        .iter()
        .try_fold(1usize, |count, setting| count.checked_mul(setting.values.len()))
        .unwrap_or(usize::MAX);
    if count > MAX_VARIANTS {
        return Err(VariantError::TooManyVariants { count });
    }
    let mut variants = vec![Variant { values: Vec::new() }];
    for setting in settings {
        variants = variants
            .into_iter()
            .flat_map(|variant| {
                setting.values.iter().map(move |value| {
                    let mut values = variant.values.clone();
                    values.push((setting.path.clone(), value.clone()));
                    Variant { values }
                })
            })
            .collect();
    }
    Ok(variants)
}

/// The scenario text `source` with `variant`'s settings fixed: each is
/// removed from `[swarm]` (as a quoted dotted key or nested tables) and
/// written back as a one-choice list. Comments and layout are not kept.
pub fn variant_source(source: &str, variant: &Variant) -> Result<String, VariantError> {
    let mut document: toml::Table = toml::from_str(source).map_err(|error| VariantError::Source {
        reason: error.message().to_string(),
    })?;
    let swarm = document
        .entry("swarm")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    let Some(swarm) = swarm.as_table_mut() else {
        return Err(VariantError::Source {
            reason: "`swarm` is not a table".to_string(),
        });
    };
    for (path, value) in &variant.values {
        remove_path(swarm, path);
        swarm.insert(path.clone(), toml::Value::Array(vec![value.clone()]));
    }
    toml::to_string(&document).map_err(|error| VariantError::Source {
        reason: error.to_string(),
    })
}

/// Removes `path` from a `[swarm]` table, written whole or nested.
fn remove_path(table: &mut toml::Table, path: &str) {
    table.remove(path);
    let Some((head, rest)) = path.split_once('.') else {
        return;
    };
    if let Some(inner) = table.get_mut(head).and_then(toml::Value::as_table_mut) {
        remove_path(inner, rest);
        if inner.is_empty() {
            table.remove(head);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(text: &str) -> SweepSetting {
        text.parse().expect("a valid --set")
    }

    #[test]
    fn values_read_as_toml_or_as_strings() {
        let parsed = setting("network.loss=0, 0.1,30m,true");
        assert_eq!(parsed.path, "network.loss");
        assert_eq!(
            parsed.values,
            [
                toml::Value::Integer(0),
                toml::Value::Float(0.1),
                toml::Value::String("30m".into()),
                toml::Value::Boolean(true)
            ]
        );
        assert_eq!(parsed.to_string(), "network.loss=0,0.1,30m,true");
        assert_eq!(parsed.to_string().parse::<SweepSetting>(), Ok(parsed.clone()));
        for bad in [
            "",
            "=1",
            "network.loss",
            "network.loss=",
            "network..loss=1",
            "a b=1",
            "x=1,,2",
        ] {
            assert!(bad.parse::<SweepSetting>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_grid_varies_the_last_setting_fastest() {
        let variants = grid(&[setting("a=1,2"), setting("b=x,y,z")]).expect("a grid");
        let names: Vec<String> = variants.iter().map(Variant::to_string).collect();
        assert_eq!(
            names,
            ["a=1 b=x", "a=1 b=y", "a=1 b=z", "a=2 b=x", "a=2 b=y", "a=2 b=z"]
        );
        assert_eq!(
            grid(&[setting("a=1"), setting("a=2")]),
            Err(VariantError::Repeated { path: "a".into() })
        );
        let wide: Vec<SweepSetting> = (0..3)
            .map(|index| setting(&format!("s{index}={}", ["1"; 11].join(","))))
            .collect();
        assert_eq!(grid(&wide), Err(VariantError::TooManyVariants { count: 1331 }));
    }

    #[test]
    fn a_variant_replaces_the_swarm_entry_in_either_form() {
        let source = "[scenario]\nname = \"x\"\n[swarm]\npolicy.pts_limit = [100, 1000]\n\"network.loss\" = { min = 0.0, max = 0.2 }\n";
        let variant = &grid(&[setting("network.loss=0.3"), setting("policy.pts_limit=10")]).expect("a grid")[0];
        let text = variant_source(source, variant).expect("a variant");
        let table: toml::Table = toml::from_str(&text).expect("valid TOML");
        let swarm = table["swarm"].as_table().expect("a swarm table");
        assert_eq!(swarm.len(), 2, "{text}");
        assert_eq!(swarm["network.loss"], toml::Value::Array(vec![toml::Value::Float(0.3)]));
        assert_eq!(
            swarm["policy.pts_limit"],
            toml::Value::Array(vec![toml::Value::Integer(10)])
        );
        assert!(variant_source("not = [toml", variant).is_err());
    }
}
