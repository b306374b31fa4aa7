//! Unit tests of [`super::Network`]: topology, each link rule, faults at send
//! and arrival time, counters and determinism.

use std::collections::BTreeSet;

use rand_chacha::ChaCha12Rng;
use rand_core::SeedableRng;

use super::fault::Direction;
use super::*;
use crate::engine::distribution::Distribution;

const PHONE: Node = Node::Device(1);
const DC1: Node = Node::Datacenter(1);
const LATENCY_MICROS: u64 = 1_000;

fn t(micros: u64) -> Instant {
    Instant::from_unix_micros(micros)
}

fn rng() -> ChaCha12Rng {
    ChaCha12Rng::seed_from_u64(11)
}

fn constant_link() -> LinkModel {
    LinkModel::lossless(Distribution::Constant {
        value: LATENCY_MICROS as f64,
    })
}

fn network_with(access: LinkModel, faults: Vec<Fault>) -> Network {
    let config = NetworkConfig {
        access,
        ..NetworkConfig::default()
    };
    let mut network = Network::new(config, faults).unwrap();
    network.add_device(1).unwrap();
    network
}

fn arrivals(outcome: &SendOutcome) -> Vec<(u64, bool)> {
    let deliveries = outcome.deliveries.as_slice();
    deliveries.iter().map(|d| (d.at.unix_micros(), d.duplicate)).collect()
}

#[test]
fn datacenters_are_meshed_and_endpoints_reach_every_dc() {
    let mut network = Network::new(NetworkConfig::default(), Vec::new()).unwrap();
    network.add_device(1).unwrap();
    network.add_attacker_host(9).unwrap();
    let topology = network.topology();
    assert_eq!(topology.datacenters().count(), 3);
    assert_eq!(topology.graph().edge_count(), 3 + 3 + 3);
    assert_eq!(
        topology.link(Node::Datacenter(3), DC1),
        Some(&network.config().inter_dc)
    );
    assert!(topology.link(Node::AttackerHost(9), Node::Datacenter(2)).is_some());
    assert_eq!(
        network.add_device(1),
        Err(NetworkError::Topology(TopologyError::DuplicateNode(PHONE)))
    );
}

#[test]
fn sending_without_a_link_is_an_error() {
    let mut network = network_with(constant_link(), Vec::new());
    network.add_device(2).unwrap();
    let result = network.send(t(0), PHONE, Node::Device(2), 10, &mut rng());
    assert_eq!(
        result,
        Err(NetworkError::NoLink {
            from: PHONE,
            to: Node::Device(2)
        })
    );
    assert_eq!(network.counters().sent, 0);
}

#[test]
fn constant_latency_delivers_once_at_now_plus_latency() {
    let mut network = network_with(constant_link(), Vec::new());
    let outcome = network.send(t(500), PHONE, DC1, 64, &mut rng()).unwrap();
    assert_eq!(arrivals(&outcome), vec![(1_500, false)]);
    assert_eq!(outcome.dropped, None);
    let counters = network.counters();
    assert_eq!((counters.sent, counters.bytes_sent, counters.delivered), (1, 64, 1));
}

#[test]
fn inter_dc_links_use_the_inter_dc_latency() {
    let config = NetworkConfig::default().with_inter_dc_latency(Distribution::Constant { value: 20_000.0 });
    let mut network = Network::new(config, Vec::new()).unwrap();
    let outcome = network.send(t(0), DC1, Node::Datacenter(2), 1, &mut rng()).unwrap();
    assert_eq!(arrivals(&outcome), vec![(20_000, false)]);
}

#[test]
fn loss_one_drops_everything() {
    let mut network = network_with(
        LinkModel {
            loss: 1.0,
            ..constant_link()
        },
        Vec::new(),
    );
    let mut rng = rng();
    for i in 0..1_000 {
        let outcome = network.send(t(i), PHONE, DC1, 1, &mut rng).unwrap();
        assert!(outcome.deliveries.is_empty());
        assert_eq!(outcome.dropped, Some(DropReason::Loss));
    }
    assert_eq!((network.counters().lost, network.counters().delivered), (1_000, 0));
}

#[test]
fn duplicate_one_duplicates_every_packet() {
    let mut network = network_with(
        LinkModel {
            duplicate: 1.0,
            ..constant_link()
        },
        Vec::new(),
    );
    let mut rng = rng();
    for i in 0..100 {
        let outcome = network.send(t(i), DC1, PHONE, 1, &mut rng).unwrap();
        assert_eq!(
            arrivals(&outcome),
            vec![(i + LATENCY_MICROS, false), (i + LATENCY_MICROS, true)]
        );
    }
    assert_eq!(
        (network.counters().duplicated, network.counters().delivered),
        (100, 200)
    );
}

#[test]
fn reorder_lets_a_later_packet_overtake() {
    let mut network = network_with(
        LinkModel {
            reorder: 1.0,
            ..constant_link()
        },
        Vec::new(),
    );
    let outcome = network.send(t(0), PHONE, DC1, 1, &mut rng()).unwrap();
    assert_eq!(arrivals(&outcome), vec![(2 * LATENCY_MICROS, false)]);
    assert_eq!(network.counters().reordered, 1);
    let mut mixed = network_with(
        LinkModel {
            reorder: 0.3,
            ..constant_link()
        },
        Vec::new(),
    );
    let mut rng = rng();
    let times: Vec<u64> = (0..200)
        .flat_map(|i| arrivals(&mixed.send(t(i * 10), PHONE, DC1, 1, &mut rng).unwrap()))
        .map(|(at, _)| at)
        .collect();
    assert!(
        times.windows(2).any(|pair| pair[1] < pair[0]),
        "some packet was overtaken"
    );
}

#[test]
fn faults_at_send_time_drop_with_their_reason_and_draw_nothing() {
    let faults = vec![
        Fault::DeviceOffline {
            at: t(0),
            duration_micros: 100,
            device: 1,
        },
        Fault::DcOutage {
            at: t(100),
            duration_micros: 100,
            dc: 1,
        },
        Fault::Partition {
            at: t(200),
            duration_micros: 100,
            nodes: BTreeSet::from([PHONE]),
            direction: Direction::ToDc,
        },
    ];
    let mut network = network_with(constant_link(), faults);
    let mut rng = rng();
    let reasons: Vec<Option<DropReason>> = [0, 150, 250]
        .iter()
        .map(|&at| network.send(t(at), PHONE, DC1, 1, &mut rng).unwrap().dropped)
        .collect();
    let expected = [DropReason::DeviceOffline, DropReason::DcOutage, DropReason::Partition];
    assert_eq!(reasons, expected.map(Some).to_vec());
    assert_eq!(
        rng,
        ChaCha12Rng::seed_from_u64(11),
        "a cut packet consumes no randomness"
    );
    assert_eq!(
        network.send(t(250), DC1, PHONE, 1, &mut rng).unwrap().dropped,
        None,
        "one-way cut"
    );
    let counters = network.counters();
    assert_eq!((counters.dropped_device_offline, counters.dropped_dc_outage), (1, 1));
    assert_eq!(
        (counters.dropped_partition, counters.delivered, counters.sent),
        (1, 1, 4)
    );
}

#[test]
fn a_copy_arriving_inside_a_cut_is_dropped() {
    let faults = vec![Fault::DeviceOffline {
        at: t(1_000),
        duration_micros: 10,
        device: 1,
    }];
    let mut network = network_with(
        LinkModel {
            duplicate: 1.0,
            ..constant_link()
        },
        faults,
    );
    let outcome = network.send(t(0), DC1, PHONE, 1, &mut rng()).unwrap();
    assert!(outcome.deliveries.is_empty());
    assert_eq!(outcome.dropped, Some(DropReason::DeviceOffline));
    assert_eq!(network.counters().dropped_device_offline, 2);
    assert_eq!(network.cut(t(1_005), PHONE, DC1), Some(DropReason::DeviceOffline));
}

#[test]
fn same_seed_same_decisions() {
    let lossy = LinkModel {
        latency: Distribution::LogNormal {
            median: 80_000.0,
            p99: 600_000.0,
        },
        loss: 0.1,
        duplicate: 0.1,
        reorder: 0.1,
    };
    let run = |seed: u64| {
        let mut network = network_with(lossy, Vec::new());
        let mut rng = ChaCha12Rng::seed_from_u64(seed);
        let outcomes: Vec<SendOutcome> = (0..500)
            .map(|i| network.send(t(i * 1_000), PHONE, DC1, 100, &mut rng).unwrap())
            .collect();
        (outcomes, *network.counters())
    };
    assert_eq!(run(3), run(3));
    assert_ne!(run(3).0, run(4).0);
}

#[test]
fn invalid_configuration_or_faults_are_errors() {
    let config = NetworkConfig {
        datacenters: 0,
        ..NetworkConfig::default()
    };
    assert!(matches!(Network::new(config, Vec::new()), Err(NetworkError::Link(_))));
    let zero = vec![Fault::DcOutage {
        at: t(0),
        duration_micros: 0,
        dc: 1,
    }];
    assert!(matches!(
        Network::new(NetworkConfig::default(), zero),
        Err(NetworkError::Fault(_))
    ));
}
