//! Criterion benchmarks of the API codecs' hot paths: the session list
//! (`account.authorizations` with 50 authorizations, what every audit
//! fetches) and a sync answer (`updates.difference` with 100 updates of
//! 200-byte payloads, the median update size of the reference scenarios).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use sessionlab_proto::wire::api::{
    AccountAuthorizations, Authorization, Difference, DifferencePart, Message, TlObject, Update, UpdatesState, User,
};

const AUTHORIZATIONS: usize = 50;
const UPDATES: usize = 100;
const PAYLOAD_BYTES: usize = 200;

fn authorizations() -> AccountAuthorizations {
    let authorizations = (0..AUTHORIZATIONS as i64)
        .map(|index| Authorization {
            current: index == 0,
            official_app: true,
            hash: index.wrapping_mul(0x1e37_79b9_7f4a_7c15),
            device_model: format!("Device model {index}"),
            platform: "android".into(),
            system_version: "Android 14".into(),
            api_id: 6,
            app_name: "Telegram Android".into(),
            app_version: "11.2.0".into(),
            date_created: 1_767_225_600 + index as i32,
            date_active: 1_767_229_200 + index as i32,
            ip: format!("203.0.113.{index}"),
            country: "Portugal".into(),
            region: "Lisbon".into(),
            ..Authorization::default()
        })
        .collect();
    AccountAuthorizations {
        authorization_ttl_days: 183,
        authorizations,
    }
}

fn difference() -> Difference {
    let other_updates = (0..UPDATES as i32)
        .map(|pts| Update::NewMessage {
            message: Message {
                id: pts + 1,
                peer_user_id: 1,
                date: 1_767_229_200,
                text: ".".repeat(PAYLOAD_BYTES),
            },
            pts: pts + 1,
            pts_count: 1,
        })
        .collect();
    Difference::Full(DifferencePart {
        other_updates,
        users: vec![User {
            is_self: false,
            id: 1,
            phone: Some("+351912345678".into()),
        }],
        state: UpdatesState {
            pts: UPDATES as i32,
            date: 1_767_229_200,
            ..UpdatesState::default()
        },
    })
}

fn bench_object<T: TlObject>(c: &mut Criterion, name: &str, value: &T) {
    let encoded = value.encode();
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(encoded.len() as u64));
    group.bench_function("encode", |b| b.iter(|| black_box(value).encode()));
    group.bench_function("decode", |b| {
        b.iter(|| T::decode(black_box(&encoded)).expect("valid encoding"))
    });
    group.finish();
}

fn codecs(c: &mut Criterion) {
    bench_object(c, "account.authorizations x50", &authorizations());
    bench_object(c, "updates.difference x100", &difference());
}

criterion_group!(benches, codecs);
criterion_main!(benches);
