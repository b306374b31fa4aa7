//! Small random simulations for the `sim_swarm` fuzz target: `arbitrary`
//! picks a population, a network, faults and attackers under the
//! documented default policy; the run must finish without a panic and
//! without an oracle violation.

use arbitrary::{Arbitrary, Unstructured};

use sessionlab::scenario::parse_scenario;
use sessionlab::world::{run, RunOptions};

/// A small world described by the fuzzer.
#[derive(Arbitrary, Debug, Clone)]
pub struct SwarmConfig {
    seed: u64,
    accounts: u8,
    desktop: bool,
    hours: u8,
    loss_percent: u8,
    duplicate_percent: u8,
    reorder_percent: u8,
    latency_ms: u16,
    skew_seconds: u8,
    partition_percent: u8,
    attacker: Option<(u8, u8, u8)>,
    audit_hours: u8,
    /// (action, hour) of one `[[owner_action]]`.
    owner_action: Option<(u8, u8)>,
    /// (kind, hour) of one `[[device_event]]`.
    device_event: Option<(u8, u8)>,
}

impl SwarmConfig {
    /// The scenario text (a file a researcher could have written).
    pub fn scenario_text(&self) -> String {
        let accounts = 1 + u32::from(self.accounts % 3);
        let hours = 2 + u32::from(self.hours % 30);
        let desktop = if self.desktop { 1.0 } else { 0.0 };
        let mut text = format!(
            "[scenario]\nname = \"swarm\"\nduration = \"{hours}h\"\nquiet_period = \"1h\"\n\n\
             [datacenters]\ncount = 2\n\n\
             [network]\nlatency = {{ dist = \"lognormal\", median = \"{}ms\", p99 = \"{}ms\" }}\n\
             loss = {}\nduplicate = {}\nreorder = {}\n\
             clock_skew = {{ dist = \"normal\", mean = \"0s\", stddev = \"{}s\" }}\n\n",
            10 + u32::from(self.latency_ms % 300),
            20 + u32::from(self.latency_ms % 300) * 4,
            f64::from(self.loss_percent % 30) / 100.0,
            f64::from(self.duplicate_percent % 10) / 100.0,
            f64::from(self.reorder_percent % 20) / 100.0,
            self.skew_seconds % 120,
        );
        if self.partition_percent % 2 == 1 {
            text.push_str(&format!(
                "[[fault]]\nkind = \"partition\"\nat = \"1h\"\nduration = \"30m\"\ndevices = \"{}%\"\ndirection = \"both\"\n\n",
                self.partition_percent % 100
            ));
        }
        text.push_str(&format!(
            "[population]\naccounts = {accounts}\ntwo_factor = 0.5\n\
             devices = [{{ kind = \"phone\", probability = 1.0 }}, {{ kind = \"desktop\", probability = {desktop} }}]\n\
             online = {{ mean_session = \"30m\", mean_gap = \"1h\" }}\nupdates_per_day = 100\nupdate_bytes = 300\n\
             audit = {{ every = \"{}h\", probability = 1.0, action = \"terminate_suspicious\" }}\n\n",
            1 + u32::from(self.audit_hours % 24)
        ));
        if let Some((action, at_hours)) = self.owner_action {
            let action = match action % 7 {
                0 => "action = \"terminate_all_others\"",
                1 => "action = \"terminate_device\"\ndevice = \"phone\"",
                2 => "action = \"log_out\"",
                3 => "action = \"set_ttl\"\nttl = \"1d\"",
                4 => "action = \"enable_2fa\"",
                5 => "action = \"change_password\"",
                _ => "action = \"delete_account\"",
            };
            text.push_str(&format!(
                "[[owner_action]]\n{action}\nat = \"{}h\"\n\n",
                u32::from(at_hours) % hours
            ));
        }
        if let Some((kind, at_hours)) = self.device_event {
            let kind = match kind % 2 {
                0 => "kind = \"lost\"",
                _ => "kind = \"restored_from_backup\"\nbackup_age = \"3h\"",
            };
            text.push_str(&format!(
                "[[device_event]]\n{kind}\ndevice = \"phone\"\nat = \"{}h\"\n\n",
                u32::from(at_hours) % hours
            ));
        }
        if let Some((kind, at_hours, behavior)) = self.attacker {
            let acquire = match kind % 5 {
                0 => "{ kind = \"stolen_key\", device = \"phone\", at = \"AT\" }",
                1 => "{ kind = \"session_file\", device = \"phone\", at = \"AT\" }",
                2 => "{ kind = \"sim_swap\", at = \"AT\" }",
                3 => "{ kind = \"stolen_device\", device = \"phone\", at = \"AT\" }",
                _ => "{ kind = \"phished_code\", at = \"AT\" }",
            }
            .replace("AT", &format!("{}h", u32::from(at_hours) % hours));
            let behaviors = [
                "exfiltrate",
                "heartbeat",
                "persist",
                "relogin",
                "terminate_others",
                "replay",
            ];
            // `replay` needs malware on the victim's device: only the first
            // two acquisitions put it there (the parser refuses the rest).
            let malware_on_device = kind % 5 < 2;
            let chosen: Vec<String> = behaviors
                .iter()
                .enumerate()
                .filter(|(index, name)| behavior & (1 << index) != 0 && (**name != "replay" || malware_on_device))
                .map(|(_, name)| format!("\"{name}\""))
                .collect();
            text.push_str(&format!(
                "[[attacker]]\nname = \"swarm\"\ntargets = \"100%\"\nacquire = {acquire}\nbehavior = [{}]\n",
                chosen.join(", ")
            ));
        }
        text
    }
}

/// Run the world `data` describes; panics on an oracle violation.
pub fn sim_swarm(data: &[u8]) {
    let Ok(config) = SwarmConfig::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let text = config.scenario_text();
    let scenario = match parse_scenario(&text, "swarm.toml") {
        Ok(scenario) => scenario,
        Err(error) => panic!("the swarm generator wrote an invalid scenario: {error}\n{text}"),
    };
    let outcome = match run(&scenario.resolve(config.seed), config.seed, RunOptions::default()) {
        Ok(outcome) => outcome,
        Err(error) => panic!("the run failed: {error}\n{text}"),
    };
    assert!(
        outcome.violations.is_empty(),
        "oracle violations {:?}\n{text}",
        outcome.violations
    );
}
