//! The simulator's per-device records on top of the core's
//! ([`sessionlab_proto::footprint`]): what `examples/footprint.rs` prints
//! for the performance report.

use std::mem::size_of;

use sessionlab_proto::footprint::{self, Record};

use super::App;

/// Every per-device, per-session, per-key and per-authorization record,
/// the world's first.
pub fn records() -> Vec<Record> {
    let app = Record {
        name: "App",
        per: "device",
        bytes: size_of::<App>(),
        heap: false,
        what: "the world's device: its Client, node, clocks, origin".to_owned(),
    };
    std::iter::once(app).chain(footprint::records()).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_app_comes_first_and_holds_its_client() {
        let records = super::records();
        assert_eq!(records[0].name, "App");
        let client = records
            .iter()
            .find(|record| record.name == "Client")
            .expect("the client's row");
        assert!(records[0].bytes > client.bytes, "an App holds its Client inline");
    }
}
