//! The reductions the shrinker tries, in a fixed order: each kind maps a
//! scenario document (the TOML file as a table, so that every candidate is
//! a file the real parser judges, and the result is a file a person reads)
//! to the smaller documents one step away. A candidate the parser refuses
//! (a duration shorter than an attack's start, say) is simply not kept.

use std::time::Duration;

use toml::{Table, Value};

use crate::scenario::duration::format_duration;
use crate::scenario::parse_duration;

/// One kind of reduction, in the order the shrinker tries them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reduction {
    /// `population.accounts`: halved, or one fewer (a drawn range: its minimum).
    Accounts,
    /// One `[[attacker]]` fewer.
    Attackers,
    /// One `[[fault]]` fewer.
    Faults,
    /// One `[[owner_action]]` fewer.
    OwnerActions,
    /// One `[[device_event]]` fewer.
    DeviceEvents,
    /// One device kind of `population.devices` fewer (one stays).
    DeviceKinds,
    /// `scenario.duration` halved.
    Duration,
    /// One behaviour of an attacker fewer (one stays).
    Behaviours,
    /// `[swarm]` gone, or one of its entries.
    Swarm,
    /// Network settings to their defaults or zero: loss, duplication,
    /// reordering, latency, clock skew.
    Network,
    /// One datacenter fewer.
    Datacenters,
}

impl Reduction {
    /// Every kind, in the order tried.
    pub const ALL: [Reduction; 11] = [
        Reduction::Accounts,
        Reduction::Attackers,
        Reduction::Faults,
        Reduction::OwnerActions,
        Reduction::DeviceEvents,
        Reduction::DeviceKinds,
        Reduction::Duration,
        Reduction::Behaviours,
        Reduction::Swarm,
        Reduction::Network,
        Reduction::Datacenters,
    ];
}

/// A document one step smaller, and what the step did.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub step: String,
    pub document: Table,
}

/// The candidates of `kind` from `document`, in a fixed order.
pub fn candidates(kind: Reduction, document: &Table) -> Vec<Candidate> {
    match kind {
        Reduction::Accounts => accounts(document),
        Reduction::Attackers => drop_each(document, "attacker", "drop"),
        Reduction::Faults => drop_each(document, "fault", "drop"),
        Reduction::OwnerActions => drop_each(document, "owner_action", "drop"),
        Reduction::DeviceEvents => drop_each(document, "device_event", "drop"),
        Reduction::DeviceKinds => device_kinds(document),
        Reduction::Duration => duration(document),
        Reduction::Behaviours => behaviours(document),
        Reduction::Swarm => swarm(document),
        Reduction::Network => network(document),
        Reduction::Datacenters => datacenters(document),
    }
}

fn section<'a>(document: &'a Table, name: &str) -> Option<&'a Table> {
    document.get(name).and_then(Value::as_table)
}

fn with_section(document: &Table, name: &str, edit: impl FnOnce(&mut Table)) -> Table {
    let mut changed = document.clone();
    if let Some(Value::Table(table)) = changed.get_mut(name) {
        edit(table);
    }
    changed
}

fn accounts(document: &Table) -> Vec<Candidate> {
    let Some(value) = section(document, "population").and_then(|population| population.get("accounts")) else {
        return Vec::new();
    };
    let set = |count: i64, step: String| Candidate {
        step,
        document: with_section(document, "population", |population| {
            population.insert("accounts".into(), Value::Integer(count));
        }),
    };
    match value {
        Value::Integer(count) if *count > 1 => {
            let mut found = vec![set(
                count / 2,
                format!("halve population.accounts: {count} → {}", count / 2),
            )];
            if count - 1 != count / 2 {
                found.push(set(count - 1, format!("population.accounts: {count} → {}", count - 1)));
            }
            found
        }
        Value::Table(range) => match range.get("min").and_then(Value::as_integer) {
            Some(min) => vec![set(
                min,
                format!("population.accounts: the drawn range → its minimum {min}"),
            )],
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The name an array entry goes by in a step: its `name`, `kind` or `action`.
fn label(entry: &Value, index: usize) -> String {
    let named = ["name", "kind", "action"]
        .iter()
        .find_map(|key| entry.get(key).and_then(Value::as_str));
    match named {
        Some(name) => format!("#{} ({name})", index + 1),
        None => format!("#{}", index + 1),
    }
}

fn drop_each(document: &Table, key: &str, verb: &str) -> Vec<Candidate> {
    let Some(entries) = document.get(key).and_then(Value::as_array) else {
        return Vec::new();
    };
    (0..entries.len())
        .map(|index| {
            let mut changed = document.clone();
            let mut rest = entries.clone();
            rest.remove(index);
            if rest.is_empty() {
                changed.remove(key);
            } else {
                changed.insert(key.into(), Value::Array(rest));
            }
            Candidate {
                step: format!("{verb} [[{key}]] {}", label(&entries[index], index)),
                document: changed,
            }
        })
        .collect()
}

fn device_kinds(document: &Table) -> Vec<Candidate> {
    let Some(devices) = section(document, "population")
        .and_then(|population| population.get("devices"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    if devices.len() < 2 {
        return Vec::new();
    }
    (0..devices.len())
        .map(|index| {
            let mut rest = devices.clone();
            rest.remove(index);
            Candidate {
                step: format!("drop population.devices {}", label(&devices[index], index)),
                document: with_section(document, "population", |population| {
                    population.insert("devices".into(), Value::Array(rest));
                }),
            }
        })
        .collect()
}

fn duration(document: &Table) -> Vec<Candidate> {
    let Some(text) = section(document, "scenario")
        .and_then(|meta| meta.get("duration"))
        .and_then(Value::as_str)
    else {
        return Vec::new();
    };
    let Ok(duration) = parse_duration(text) else {
        return Vec::new();
    };
    let half = Duration::from_secs(duration.as_secs() / 2);
    if half < Duration::from_secs(60) {
        return Vec::new();
    }
    let half_text = format_duration(half);
    // An explicit quiet period must stay shorter than the run.
    let quiet = section(document, "scenario")
        .and_then(|meta| meta.get("quiet_period"))
        .and_then(Value::as_str)
        .and_then(|quiet| parse_duration(quiet).ok());
    let shorter_quiet = quiet
        .filter(|quiet| *quiet >= half)
        .map(|_| format_duration(Duration::from_secs(half.as_secs() / 4)));
    let step = match &shorter_quiet {
        Some(quiet) => format!("halve scenario.duration: {text} → {half_text} (quiet_period → {quiet})"),
        None => format!("halve scenario.duration: {text} → {half_text}"),
    };
    vec![Candidate {
        step,
        document: with_section(document, "scenario", |meta| {
            meta.insert("duration".into(), Value::String(half_text.clone()));
            if let Some(quiet) = shorter_quiet {
                meta.insert("quiet_period".into(), Value::String(quiet));
            }
        }),
    }]
}

fn behaviours(document: &Table) -> Vec<Candidate> {
    let Some(attackers) = document.get("attacker").and_then(Value::as_array) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (index, attacker) in attackers.iter().enumerate() {
        let Some(behaviours) = attacker.get("behavior").and_then(Value::as_array) else {
            continue;
        };
        if behaviours.len() < 2 {
            continue;
        }
        for (drop, behaviour) in behaviours.iter().enumerate() {
            let mut rest = behaviours.clone();
            rest.remove(drop);
            let mut changed_attackers = attackers.clone();
            if let Some(Value::Table(table)) = changed_attackers.get_mut(index) {
                table.insert("behavior".into(), Value::Array(rest));
            }
            let mut changed = document.clone();
            changed.insert("attacker".into(), Value::Array(changed_attackers));
            found.push(Candidate {
                step: format!(
                    "drop behaviour {} of [[attacker]] {}",
                    behaviour.as_str().unwrap_or("?"),
                    label(attacker, index)
                ),
                document: changed,
            });
        }
    }
    found
}

fn swarm(document: &Table) -> Vec<Candidate> {
    let Some(swarm) = section(document, "swarm") else {
        return Vec::new();
    };
    let mut without = document.clone();
    without.remove("swarm");
    let mut found = vec![Candidate {
        step: "drop [swarm]".into(),
        document: without,
    }];
    if swarm.len() > 1 {
        for key in swarm.keys() {
            found.push(Candidate {
                step: format!("drop [swarm] entry {key}"),
                document: with_section(document, "swarm", |swarm| {
                    swarm.remove(key);
                }),
            });
        }
    }
    found
}

fn network(document: &Table) -> Vec<Candidate> {
    let Some(network) = section(document, "network") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for key in ["loss", "duplicate", "reorder"] {
        let zero = Value::Float(0.0);
        match network.get(key) {
            Some(value) if value.as_float() != Some(0.0) && value.as_integer() != Some(0) => {
                found.push(Candidate {
                    step: format!("network.{key} → 0"),
                    document: with_section(document, "network", |network| {
                        network.insert(key.into(), zero);
                    }),
                });
            }
            _ => {}
        }
    }
    for key in ["latency", "clock_skew"] {
        if network.contains_key(key) {
            found.push(Candidate {
                step: format!("network.{key} → its default"),
                document: with_section(document, "network", |network| {
                    network.remove(key);
                }),
            });
        }
    }
    found
}

fn datacenters(document: &Table) -> Vec<Candidate> {
    let count = section(document, "datacenters")
        .and_then(|datacenters| datacenters.get("count"))
        .and_then(Value::as_integer);
    match count {
        Some(count) if count > 1 => vec![Candidate {
            step: format!("datacenters.count: {count} → {}", count - 1),
            document: with_section(document, "datacenters", |datacenters| {
                datacenters.insert("count".into(), Value::Integer(count - 1));
            }),
        }],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCUMENT: &str = r#"
[scenario]
name = "example"
duration = "2d"

[network]
loss = 0.02
latency = "80ms"

[datacenters]
count = 3

[population]
accounts = 20
devices = [{ kind = "phone", probability = 1.0 }, { kind = "desktop", probability = 0.5 }]

[[attacker]]
name = "a"
targets = "10%"
acquire = { kind = "sim_swap", at = "1d" }
behavior = ["exfiltrate", "heartbeat"]

[[attacker]]
name = "b"
targets = "10%"
acquire = { kind = "sim_swap", at = "1d" }

[swarm]
"network.loss" = [0.0, 0.1]
"#;

    fn document() -> Table {
        DOCUMENT.parse().expect("valid TOML")
    }

    fn steps(kind: Reduction) -> Vec<String> {
        candidates(kind, &document())
            .into_iter()
            .map(|candidate| candidate.step)
            .collect()
    }

    #[test]
    fn accounts_are_halved_then_decremented() {
        assert_eq!(
            steps(Reduction::Accounts),
            ["halve population.accounts: 20 → 10", "population.accounts: 20 → 19"]
        );
        let halved = &candidates(Reduction::Accounts, &document())[0].document;
        assert_eq!(halved["population"]["accounts"].as_integer(), Some(10));
        let ranged: Table = "[population]\naccounts = { min = 3, max = 9 }".parse().expect("valid");
        let fixed = candidates(Reduction::Accounts, &ranged);
        assert_eq!(fixed[0].document["population"]["accounts"].as_integer(), Some(3));
        let one: Table = "[population]\naccounts = 1".parse().expect("valid");
        assert!(candidates(Reduction::Accounts, &one).is_empty());
    }

    #[test]
    fn each_attacker_can_go_and_the_last_takes_its_key_with_it() {
        assert_eq!(
            steps(Reduction::Attackers),
            ["drop [[attacker]] #1 (a)", "drop [[attacker]] #2 (b)"]
        );
        let one_left = &candidates(Reduction::Attackers, &document())[0].document;
        let none_left = &candidates(Reduction::Attackers, one_left)[0].document;
        assert!(!none_left.contains_key("attacker"));
        assert!(steps(Reduction::Faults).is_empty());
    }

    #[test]
    fn duration_halves_and_behaviours_keep_one() {
        assert_eq!(steps(Reduction::Duration), ["halve scenario.duration: 2d → 1d"]);
        assert_eq!(
            steps(Reduction::Behaviours),
            [
                "drop behaviour exfiltrate of [[attacker]] #1 (a)",
                "drop behaviour heartbeat of [[attacker]] #1 (a)"
            ]
        );
    }

    #[test]
    fn network_swarm_devices_and_datacenters_simplify() {
        assert_eq!(
            steps(Reduction::Network),
            ["network.loss → 0", "network.latency → its default"]
        );
        assert_eq!(steps(Reduction::Swarm), ["drop [swarm]"]);
        assert_eq!(
            steps(Reduction::DeviceKinds),
            [
                "drop population.devices #1 (phone)",
                "drop population.devices #2 (desktop)"
            ]
        );
        assert_eq!(steps(Reduction::Datacenters), ["datacenters.count: 3 → 2"]);
    }

    #[test]
    fn every_candidate_differs_from_its_document() {
        for kind in Reduction::ALL {
            for candidate in candidates(kind, &document()) {
                assert_ne!(candidate.document, document(), "{}", candidate.step);
            }
        }
    }
}
