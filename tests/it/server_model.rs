//! The server against its session model: random operation sequences over a
//! real three-DC cluster; after every step each device is accepted exactly
//! when the model says its authorization is alive (see
//! `sessionlab_testkit::server_model`).

use sessionlab_testkit::server_model::{run, Operation};

#[test]
fn random_operation_sequences_match_the_model() {
    arbtest::arbtest(|u| {
        let seed: u64 = u.arbitrary()?;
        let operations: Vec<Operation> = u.arbitrary()?;
        if let Err(mismatch) = run(seed, &operations) {
            panic!("{mismatch} (seed {seed}, operations {operations:?})");
        }
        Ok(())
    })
    .budget_ms(4_000);
}

#[test]
fn a_scripted_sequence_exercises_every_rule() {
    use Operation::*;
    let operations = [
        Login,
        Request { device: 0 },
        Advance { hours: 30 },
        Login,
        Copy { device: 1 },
        Request { device: 2 },
        // Device 1 is fresh and unconfirmed: it cannot terminate anything.
        TerminateAll { from: 1 },
        Terminate { from: 1, target: 0 },
        // The copy of device 1 shares its key: also refused.
        TerminateAll { from: 2 },
        // The old phone terminates device 1: its copy dies with it.
        Terminate { from: 0, target: 1 },
        Request { device: 2 },
        Login,
        Confirm { from: 0, target: 3 },
        Advance { hours: 25 },
        TerminateAll { from: 3 },
        Request { device: 0 },
        LogOut { device: 3 },
        Request { device: 3 },
        // Device 3's key is dead; device 0's is alive: neither logs in again.
        Relogin { device: 3 },
        Relogin { device: 0 },
        SetPassword { from: 0, enable: true },
        // Device 4 asks for the SMS too early (FLOOD_WAIT) and is not in...
        LoginBySms { wait_s: 30 },
        Request { device: 4 },
        // ...but its key never logged in, so it may (owing the password).
        Relogin { device: 4 },
        Request { device: 4 },
        // Device 5 gets the in-app code by SMS after 61 s.
        LoginBySms { wait_s: 61 },
        Request { device: 5 },
        SetPassword { from: 3, enable: false },
        SetPassword { from: 5, enable: false },
        Login,
        Request { device: 6 },
    ];
    run(5, &operations).expect("every step matches the model");
}

#[test]
fn temp_key_bindings_follow_the_model() {
    use Operation::*;
    let operations = [
        Login,
        // Device 1: a temp key bound to device 0's permanent key.
        BindTemp { device: 0 },
        Request { device: 1 },
        // Device 2 binds another: device 1's binding is replaced.
        BindTemp { device: 0 },
        Request { device: 1 },
        Request { device: 2 },
        // A day later device 2's key is dead (-404), device 0 lives on.
        Advance { hours: 25 },
        Request { device: 2 },
        TerminateAll { from: 2 },
        Request { device: 0 },
        // Device 3 binds again and logs the permanent key out through it:
        // a binding to the dead key is then refused.
        BindTemp { device: 0 },
        LogOut { device: 3 },
        Request { device: 0 },
        BindTemp { device: 0 },
        Request { device: 4 },
    ];
    run(5, &operations).expect("every step matches the model");
}
