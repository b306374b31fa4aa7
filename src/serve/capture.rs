//! `--capture DIR`: every connection's bytes as they crossed the socket,
//! one file per connection and direction, for a researcher to study a
//! client's traffic (and for the project's replay tests, which decode
//! frames captured from Telethon).
//!
//! Files are named by [`capture_file_name`]; each holds at most
//! [`MAX_CAPTURED_BYTES`], beyond which the capture of that direction
//! stops (the connection goes on). A file that cannot be written ends its
//! capture with one log line, never the connection.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use sessionlab_proto::id::DcId;

use super::cluster::{ConnectionId, Log};

/// Bytes one direction of one connection captures at most (16 MiB).
pub const MAX_CAPTURED_BYTES: usize = 16 << 20;

/// Which way the bytes went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptureDirection {
    /// From the client to the server.
    Client,
    /// From the server to the client.
    Server,
}

/// `connection-<id>-dc<dc>.<client|server>.bin`.
pub fn capture_file_name(connection: ConnectionId, dc: DcId, direction: CaptureDirection) -> String {
    let side = match direction {
        CaptureDirection::Client => "client",
        CaptureDirection::Server => "server",
    };
    format!("connection-{connection}-dc{}.{side}.bin", dc.get())
}

/// One direction's capture file.
#[derive(Debug)]
pub struct Capture {
    file: Option<File>,
    written: usize,
    log: Log,
}

impl Capture {
    /// Open the file in `directory` (or capture nothing when it cannot be created).
    pub fn open(
        directory: &Path,
        connection: ConnectionId,
        dc: DcId,
        direction: CaptureDirection,
        log: Log,
    ) -> Capture {
        let path = directory.join(capture_file_name(connection, dc, direction));
        let file = match File::create(&path) {
            Ok(file) => Some(file),
            Err(error) => {
                log.line(format_args!("capture {} not written: {error}", path.display()));
                None
            }
        };
        Capture { file, written: 0, log }
    }

    /// Append `bytes` (up to the limit).
    pub fn record(&mut self, bytes: &[u8]) {
        let Some(file) = &mut self.file else { return };
        let room = MAX_CAPTURED_BYTES - self.written;
        let taken = &bytes[..bytes.len().min(room)];
        if let Err(error) = file.write_all(taken) {
            self.log.line(format_args!("capture stopped: {error}"));
            self.file = None;
            return;
        }
        self.written += taken.len();
        if self.written == MAX_CAPTURED_BYTES {
            self.log
                .line(format_args!("capture stopped at {MAX_CAPTURED_BYTES} bytes"));
            self.file = None;
        }
    }
}
