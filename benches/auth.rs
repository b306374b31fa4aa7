//! Criterion benchmarks of the session layer's hot paths: a code login, the
//! session list of an account with 50 authorizations (signals included), and
//! terminate-all over 50 authorizations whose derived authorizations live on
//! three other DCs (sync revocation, messages carried in-process).

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sessionlab_proto::auth::{ClientInfo, GeoPoint, NetworkOrigin, Policy};
use sessionlab_proto::id::{AuthKeyId, DcId, UserId};
use sessionlab_proto::time::Instant;
use sessionlab_testkit::auth_cluster::AuthCluster;

const HOME: DcId = DcId(2);
const OTHERS: [DcId; 3] = [DcId(1), DcId(4), DcId(5)];
const USER: u64 = 1;
const PHONE: &str = "+10000";
const SESSIONS: u64 = 50;

fn info(index: u64) -> ClientInfo {
    ClientInfo {
        device_model: format!("Device {}", index % 7),
        app_version: format!("{}.{}", 9 + index % 3, index % 10),
        api_id: 4,
        origin: NetworkOrigin {
            coordinates: Some(GeoPoint::from_degrees(40.0 + index as f64, index as f64)),
            ..NetworkOrigin::default()
        },
        ..ClientInfo::default()
    }
}

/// A cluster whose account has `SESSIONS` authorizations (keys 1..=50),
/// each exported to every other DC (derived keys 1000·dc + key).
fn account_with_sessions(derive: bool) -> (AuthCluster, ChaCha8Rng, Instant) {
    let mut dcs = vec![HOME];
    dcs.extend(OTHERS);
    let mut cluster = AuthCluster::new(&dcs, [1; 32], &Policy::default());
    cluster
        .dc(HOME)
        .register_account(UserId(USER), PHONE)
        .expect("register");
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let now = Instant::SCENARIO_EPOCH;
    for key in 1..=SESSIONS {
        cluster
            .login_with_code(now, HOME, AuthKeyId(key), PHONE, &info(key), &mut rng)
            .expect("login");
        for dc in OTHERS.iter().copied().filter(|_| derive) {
            let exported = cluster
                .dc(HOME)
                .export_authorization(now, AuthKeyId(key), dc, &mut rng)
                .expect("export");
            cluster
                .dc(dc)
                .import_authorization(
                    now,
                    AuthKeyId(1000 * u64::from(dc.get()) + key),
                    UserId(USER),
                    &exported.bytes,
                )
                .expect("import");
        }
    }
    cluster.pump(now);
    cluster.outside.clear();
    cluster.events.clear();
    // Past the fresh-session window, so key 1 may terminate the others.
    (cluster, rng, now + std::time::Duration::from_secs(2 * 86_400))
}

fn login(c: &mut Criterion) {
    c.bench_function("auth/login_with_code", |b| {
        b.iter_batched(
            || account_with_sessions(false),
            |(mut cluster, mut rng, now)| {
                let result = cluster.login_with_code(now, HOME, AuthKeyId(9_999), PHONE, &info(3), &mut rng);
                black_box(result.expect("login"))
            },
            BatchSize::LargeInput,
        )
    });
}

fn list(c: &mut Criterion) {
    let (mut cluster, _, now) = account_with_sessions(false);
    c.bench_function("auth/get_authorizations_50", |b| {
        b.iter(|| black_box(cluster.dc(HOME).get_authorizations(now, AuthKeyId(1)).expect("list")))
    });
}

fn terminate_all(c: &mut Criterion) {
    c.bench_function("auth/terminate_all_50_derived_on_3_dcs", |b| {
        b.iter_batched(
            || account_with_sessions(true),
            |(mut cluster, _, now)| {
                let answer = cluster
                    .dc(HOME)
                    .reset_authorizations(now, AuthKeyId(1))
                    .expect("terminate all");
                cluster.pump(now);
                black_box(answer)
            },
            BatchSize::LargeInput,
        )
    });
}

criterion_group!(benches, login, list, terminate_all);
criterion_main!(benches);
