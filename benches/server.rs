//! Criterion benchmarks of `proto::Server` request handling end to end
//! (encrypt, transport validation, decode, dispatch, encode, seal, decrypt):
//! a `updates.getState`, and `account.getAuthorizations` with 50 sessions.

use criterion::{criterion_group, criterion_main, Criterion};
use sessionlab_proto::auth::Policy;
use sessionlab_proto::wire::api::{self, ApiCall};
use sessionlab_testkit::server_cluster::ServerCluster;

const PHONE: &str = "+15550200";

fn cluster_with_sessions(sessions: usize) -> (ServerCluster, usize) {
    let policy = Policy {
        max_sign_in_attempts: u32::MAX,
        ..Policy::default()
    };
    let mut cluster = ServerCluster::new(3, policy, 3);
    cluster.add_account(1, 7, PHONE);
    let mut first = 0;
    for index in 0..sessions {
        let device = cluster.add_device(1);
        if index == 0 {
            first = device;
        }
        cluster.login_with_code(device, PHONE).expect("login");
    }
    (cluster, first)
}

fn server_requests(c: &mut Criterion) {
    let (mut cluster, device) = cluster_with_sessions(1);
    c.bench_function("server/get_state_round_trip", |b| {
        b.iter(|| {
            cluster
                .call(device, ApiCall::GetState(api::GetState))
                .expect("answered")
        })
    });
    let (mut cluster, device) = cluster_with_sessions(50);
    c.bench_function("server/get_authorizations_50_round_trip", |b| {
        b.iter(|| {
            cluster
                .call(device, ApiCall::GetAuthorizations(api::GetAuthorizations))
                .expect("answered")
        })
    });
}

criterion_group!(benches, server_requests);
criterion_main!(benches);
