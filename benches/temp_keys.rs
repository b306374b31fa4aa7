//! Criterion benchmarks of the temp-key path (api/pfs), paid once per app,
//! DC and day: sealing and opening a binding message (MTProto 1.0 with the
//! permanent key), and a whole binding over encrypted packets (temp key
//! exchange, `auth.bindTempAuthKey`, checked and bound at a real server).

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion};
use sessionlab_proto::auth::Policy;
use sessionlab_proto::crypto::AuthKey;
use sessionlab_proto::transport::{open_bind_message, seal_bind_message};
use sessionlab_proto::wire::api::BindAuthKeyInner;
use sessionlab_testkit::cluster_temp_keys::Binding;
use sessionlab_testkit::server_cluster::ServerCluster;

const MSG_ID: u64 = 0x6955_c008_0000_0004;
const DAY: Duration = Duration::from_secs(86_400);

fn inner() -> BindAuthKeyInner {
    BindAuthKeyInner {
        nonce: 7,
        temp_auth_key_id: 1,
        perm_auth_key_id: 2,
        temp_session_id: 3,
        expires_at: 1_767_312_000,
    }
}

fn binding_message(c: &mut Criterion) {
    let perm_key = AuthKey::from_bytes([3; 256]);
    c.bench_function("pfs/seal_bind_message", |b| {
        b.iter(|| black_box(seal_bind_message(&perm_key, MSG_ID, &inner(), 7)))
    });
    let sealed = seal_bind_message(&perm_key, MSG_ID, &inner(), 7);
    c.bench_function("pfs/open_bind_message", |b| {
        b.iter(|| black_box(open_bind_message(&perm_key, &sealed, MSG_ID).expect("opens")))
    });
}

fn bind_over_the_wire(c: &mut Criterion) {
    c.bench_function("pfs/exchange_and_bind_at_a_server", |b| {
        b.iter_batched(
            || {
                let mut cluster = ServerCluster::new(1, Policy::default(), 3);
                cluster.add_account(1, 42, "+15550001");
                let device = cluster.add_device(1);
                cluster.login_with_code(device, "+15550001").expect("login");
                let perm_key = cluster.devices[device].key.clone();
                (cluster, perm_key)
            },
            |(mut cluster, perm_key)| {
                let (temp, expires_at) = cluster.add_temp_device(1, DAY).expect("exchange");
                black_box(cluster.bind_temp_key(temp, &Binding::honest(&perm_key, expires_at)))
            },
            BatchSize::LargeInput,
        )
    });
}

criterion_group!(benches, binding_message, bind_over_the_wire);
criterion_main!(benches);
