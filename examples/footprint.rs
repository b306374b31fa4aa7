//! Print the per-device, per-session, per-key and per-authorization
//! records and their sizes as JSON, for `scripts/performance-report`:
//!
//!     cargo run --release --example footprint
//!
//! Each row: `name`, `per` (what one is kept for), `bytes`, `heap` (a heap
//! bound rather than an inline size) and `what`.

fn main() {
    let rows: Vec<serde_json::Value> = sessionlab::world::footprint::records()
        .into_iter()
        .map(|record| {
            serde_json::json!({
                "name": record.name,
                "per": record.per,
                "bytes": record.bytes,
                "heap": record.heap,
                "what": record.what,
            })
        })
        .collect();
    println!("{}", serde_json::Value::Array(rows));
}
