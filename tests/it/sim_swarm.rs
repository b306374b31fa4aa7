//! Random small simulations under the default policy (the `sim_swarm` fuzz
//! target's body): no panic, no oracle violation, and every generated
//! scenario is a valid file.

#[test]
fn random_small_worlds_run_without_oracle_violations() {
    arbtest::arbtest(|u| {
        let data: Vec<u8> = u.arbitrary()?;
        sessionlab_testkit::swarm::sim_swarm(&data);
        Ok(())
    })
    .budget_ms(
        std::env::var("SWARM_BUDGET_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .unwrap_or(6_000),
    );
}
