//! `[[owner_action]]` and `[[device_event]]`: what parses, and each error
//! with its line and column.

use std::time::Duration;

use super::model::*;
use super::parse_scenario;
use super::tests_errors::{error_after_minimal, MINIMAL};

fn parsed(extra: &str) -> super::Scenario {
    parse_scenario(&format!("{MINIMAL}{extra}"), "t.toml").expect("valid")
}

#[test]
fn every_owner_action_parses() {
    let scenario = parsed(
        "[[owner_action]]\naction = \"terminate_all_others\"\nat = \"1d\"\nfrom = \"phone\"\n\
         [[owner_action]]\naction = \"terminate_device\"\nat = \"2d\"\ndevice = \"phone\"\naccounts = \"50%\"\n\
         [[owner_action]]\naction = \"set_ttl\"\nat = \"1h\"\nttl = \"30d\"\n\
         [[owner_action]]\naction = \"log_out\"\nat = \"1h\"\n\
         [[owner_action]]\naction = \"enable_2fa\"\nat = \"1h\"\n\
         [[owner_action]]\naction = \"change_password\"\nat = \"1h\"\n\
         [[owner_action]]\naction = \"delete_account\"\nat = \"3d\"\naccounts = 2\n",
    );
    let actions: Vec<OwnerActionKind> = scenario.owner_actions.iter().map(|a| a.action).collect();
    assert_eq!(
        actions,
        vec![
            OwnerActionKind::TerminateAllOthers,
            OwnerActionKind::TerminateDevice {
                device: DeviceKind::Phone
            },
            OwnerActionKind::SetTtl { days: 30 },
            OwnerActionKind::LogOut,
            OwnerActionKind::EnableTwoFactor,
            OwnerActionKind::ChangePassword,
            OwnerActionKind::DeleteAccount,
        ]
    );
    assert_eq!(scenario.owner_actions[0].from, Some(DeviceKind::Phone));
    assert_eq!(scenario.owner_actions[1].from, None);
    let resolved = scenario.resolve(0);
    assert_eq!(resolved.owner_actions[1].at, Duration::from_secs(2 * 86_400));
}

#[test]
fn owner_action_errors_name_the_key() {
    assert_eq!(
        error_after_minimal("[[owner_action]]\naction = \"dance\"\nat = \"1d\"\n"),
        "t.toml:8:10: `owner_action.0.action` = \"dance\" is out of range: expected one of \"terminate_all_others\", \
         \"terminate_device\", \"log_out\", \"set_ttl\", \"enable_2fa\", \"change_password\", \"delete_account\""
    );
    assert_eq!(
        error_after_minimal("[[owner_action]]\naction = \"set_ttl\"\nat = \"1d\"\n"),
        "t.toml:7:1: missing key `owner_action.0.ttl`"
    );
    assert_eq!(
        error_after_minimal("[[owner_action]]\naction = \"log_out\"\nat = \"1d\"\nttl = \"30d\"\n"),
        "t.toml:10:7: `owner_action.0.ttl` does not apply to action = \"log_out\""
    );
    assert_eq!(
        error_after_minimal("[[owner_action]]\naction = \"set_ttl\"\nat = \"1d\"\nttl = \"36h\"\n"),
        "t.toml:10:7: `owner_action.0.ttl` = \"36h\" is out of range: expected whole days, such as \"30d\""
    );
    assert_eq!(
        error_after_minimal("[[owner_action]]\naction = \"terminate_device\"\nat = \"1d\"\ndevice = \"web\"\n"),
        "t.toml:10:10: `owner_action.0.device` = \"web\": no device of that kind in `population.devices`"
    );
    assert_eq!(
        error_after_minimal("[[owner_action]]\naction = \"log_out\"\nat = \"8d\"\n"),
        "t.toml:9:6: `owner_action.0.at` = \"8d\" is out of range: expected before the end of the scenario \
         (`scenario.duration` = 7d)"
    );
}

#[test]
fn device_events_parse_and_refuse_what_does_not_apply() {
    let scenario = parsed(
        "[[device_event]]\nkind = \"lost\"\ndevice = \"phone\"\nat = \"1d\"\naccounts = \"10%\"\n\
         [[device_event]]\nkind = \"restored_from_backup\"\ndevice = \"phone\"\nat = \"2d\"\nbackup_age = \"1d\"\n",
    );
    assert_eq!(scenario.device_events[0].kind, DeviceEventKind::Lost);
    assert_eq!(
        scenario.device_events[1].kind,
        DeviceEventKind::RestoredFromBackup {
            backup_age: Duration::from_secs(86_400)
        }
    );
    assert_eq!(
        error_after_minimal(
            "[[device_event]]\nkind = \"lost\"\ndevice = \"phone\"\nat = \"1d\"\nbackup_age = \"1d\"\n"
        ),
        "t.toml:11:14: `device_event.0.backup_age` does not apply to kind = \"lost\""
    );
    assert_eq!(
        error_after_minimal("[[device_event]]\nkind = \"restored_from_backup\"\ndevice = \"phone\"\nat = \"1d\"\n"),
        "t.toml:7:1: missing key `device_event.0.backup_age`"
    );
    assert_eq!(
        error_after_minimal("[[device_event]]\nkind = \"lost\"\ndevice = \"phone\"\n"),
        "t.toml:7:1: missing key `device_event.at`"
    );
}

#[test]
fn a_stolen_device_names_a_device_kind() {
    let scenario = parsed(
        "[[attacker]]\nname = \"thief\"\ntargets = 1\nacquire = { kind = \"stolen_device\", device = \"phone\", at = \"1d\" }\n",
    );
    assert_eq!(
        scenario.attackers[0].acquire.kind,
        AcquireKind::StolenDevice {
            device: DeviceKind::Phone
        }
    );
    assert_eq!(
        error_after_minimal(
            "[[attacker]]\nname = \"thief\"\ntargets = 1\nacquire = { kind = \"stolen_device\", at = \"1d\" }\n"
        ),
        "t.toml:10:11: missing key `attacker.0.acquire.device`"
    );
}
