//! `sessionlab serve`: the arguments, the files it writes (sessions, the
//! RSA public key), and waiting for Ctrl-C. The server itself is
//! [`crate::serve`].

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;
use sessionlab_proto::auth::Policy;

use super::check::write_scenario_errors;
use super::exit::Exit;
use crate::scenario::load_scenario;
use crate::scenario::model::DeviceKind;
use crate::serve::{self, ProvisionedDevice, RunningServer, ServeConfig, MAX_DATACENTERS};
use crate::world::config::WorldConfig;

/// The arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArguments {
    /// A scenario whose `[policy]` (its seed-0 draw, or --seed's) the DCs enforce, and whose
    /// datacenter count is the default of --dcs.
    #[arg(value_name = "SCENARIO")]
    pub scenario: Option<PathBuf>,
    /// Where DC 1 listens; DC i listens on PORT + i - 1 (port 0: any free ports).
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:4430")]
    pub listen: SocketAddr,
    /// Datacenters (1..=5; default: the scenario's count, or 1).
    #[arg(long, value_name = "N")]
    pub dcs: Option<u32>,
    /// Connections open at once; more are closed at accept.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub max_connections: usize,
    /// Seed of the server's randomness (RSA key, salts, nonces, codes); default: from the OS.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Accounts to create, each with one logged-in device per --devices entry.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub accounts: u32,
    /// The provisioned devices of each account.
    #[arg(long, value_name = "KIND,…", value_delimiter = ',', value_parser = parse_device_kind, default_value = "phone,desktop")]
    pub devices: Vec<DeviceKind>,
    /// Write one JSON line per provisioned device (with its Telethon session_string).
    #[arg(long, value_name = "FILE")]
    pub sessions_out: Option<PathBuf>,
    /// Write the server's RSA public key (PKCS#1 PEM) for clients to add.
    #[arg(long, value_name = "FILE")]
    pub rsa_key_out: Option<PathBuf>,
    /// Every login code is this one (up to five digits) instead of a random one.
    #[arg(long, value_name = "CODE")]
    pub login_code: Option<u32>,
    /// No line per connection and per RPC on standard error (login codes are still printed).
    #[arg(long)]
    pub quiet: bool,
    /// Write each connection's bytes, both ways, into DIR (created if missing).
    #[arg(long, value_name = "DIR")]
    pub capture: Option<PathBuf>,
}

fn parse_device_kind(text: &str) -> Result<DeviceKind, String> {
    match text.trim() {
        "phone" => Ok(DeviceKind::Phone),
        "desktop" => Ok(DeviceKind::Desktop),
        "tablet" => Ok(DeviceKind::Tablet),
        "web" => Ok(DeviceKind::Web),
        other => Err(format!("{other:?} is not a device kind: phone, desktop, tablet or web")),
    }
}

/// The name `--devices` and the sessions file use.
pub fn device_kind_name(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::Phone => "phone",
        DeviceKind::Desktop => "desktop",
        DeviceKind::Tablet => "tablet",
        DeviceKind::Web => "web",
    }
}

/// One line of `--sessions-out`.
#[derive(Debug, Serialize)]
struct SessionLine<'a> {
    account: u32,
    user_id: u64,
    phone: &'a str,
    device: &'static str,
    dc: u32,
    /// The key's id, 16 hex digits (as `serve` logs it).
    auth_key_id: String,
    session_string: String,
}

/// The `serve` configuration the arguments ask for, or the message saying why not.
pub fn serve_config(arguments: &ServeArguments, err: &mut dyn Write) -> anyhow::Result<Result<ServeConfig, ()>> {
    let (mut policy, scenario_dcs) = match &arguments.scenario {
        None => (Policy::default(), 1),
        Some(path) => match load_scenario(path) {
            Ok(scenario) => {
                let world = WorldConfig::from_scenario(&scenario.resolve(arguments.seed.unwrap_or(0)));
                (world.policy, world.datacenters.min(MAX_DATACENTERS))
            }
            Err(errors) => {
                write_scenario_errors(err, &errors)?;
                return Ok(Err(()));
            }
        },
    };
    policy.fixed_login_code = arguments.login_code;
    Ok(Ok(ServeConfig {
        listen: arguments.listen,
        dcs: arguments.dcs.unwrap_or(scenario_dcs),
        max_connections: arguments.max_connections,
        seed: arguments.seed,
        accounts: arguments.accounts,
        devices: arguments.devices.clone(),
        policy,
        quiet: arguments.quiet,
        capture: arguments.capture.clone(),
    }))
}

/// Run `serve` until Ctrl-C (or SIGTERM).
pub fn serve_command(arguments: &ServeArguments, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let Ok(config) = serve_config(arguments, err)? else {
        return Ok(Exit::BadInput);
    };
    if let Some(directory) = &config.capture {
        if let Err(error) = std::fs::create_dir_all(directory) {
            writeln!(err, "sessionlab serve: cannot create {}: {error}", directory.display())?;
            return Ok(Exit::BadInput);
        }
    }
    let (stop_sender, stop) = std::sync::mpsc::channel();
    if let Err(error) = ctrlc::set_handler(move || {
        let _ = stop_sender.send(());
    }) {
        writeln!(err, "sessionlab serve: cannot catch Ctrl-C: {error}")?;
        return Ok(Exit::BadInput);
    }
    let server = match serve::start(&config) {
        Ok(server) => server,
        Err(error) => {
            writeln!(err, "sessionlab serve: {error}")?;
            return Ok(Exit::BadInput);
        }
    };
    let written = write_files(arguments, &server, out);
    if let Err(error) = written {
        server.shutdown();
        writeln!(err, "sessionlab serve: {error:#}")?;
        return Ok(Exit::BadInput);
    }
    // Blocks until Ctrl-C; a dropped sender (no handler) ends as well.
    let _ = stop.recv();
    let statistics = server.shutdown();
    writeln!(
        err,
        "sessionlab serve: stopped after {} connections ({} refused, {} with a malformed frame, {} timed out), \
         {} keys exchanged, {} RPCs",
        statistics.connections_accepted,
        statistics.connections_refused,
        statistics.malformed_frames,
        statistics.connections_timed_out,
        statistics.keys_exchanged,
        statistics.rpcs
    )?;
    Ok(Exit::Ok)
}

/// The sessions file, the key file, and the "listening" lines on standard output.
fn write_files(arguments: &ServeArguments, server: &RunningServer, out: &mut dyn Write) -> anyhow::Result<()> {
    if let Some(path) = &arguments.rsa_key_out {
        let pem = server.public_key().to_pem().context("cannot encode the RSA key")?;
        write_new_file(path, pem.as_bytes())?;
    }
    if let Some(path) = &arguments.sessions_out {
        write_new_file(path, sessions_jsonl(server, server.devices())?.as_bytes())?;
    }
    for (address, dc) in server.addresses().iter().zip(1..) {
        writeln!(out, "dc{dc} listening on {address}")?;
    }
    writeln!(
        out,
        "{} devices provisioned; RSA key fingerprint {:016x}; Ctrl-C stops",
        server.devices().len(),
        server.public_key().fingerprint()
    )?;
    out.flush()?;
    Ok(())
}

/// One JSON line per device.
pub fn sessions_jsonl(server: &RunningServer, devices: &[ProvisionedDevice]) -> anyhow::Result<String> {
    let mut text = String::new();
    for device in devices {
        let line = SessionLine {
            account: device.account,
            user_id: device.user_id.get(),
            phone: &device.phone,
            device: device_kind_name(device.kind),
            dc: device.dc.get(),
            auth_key_id: format!("{:016x}", device.auth_key.id().get()),
            session_string: server.session_string(device),
        };
        text.push_str(&serde_json::to_string(&line)?);
        text.push('\n');
    }
    Ok(text)
}

fn write_new_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
