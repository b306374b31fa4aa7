//! Unit tests of fault windows, kinds, partition directions and validation.

use super::*;

const PHONE: Node = Node::Device(1);
const LAPTOP: Node = Node::Device(2);
const DC: Node = Node::Datacenter(1);
const DC2: Node = Node::Datacenter(2);

fn at(micros: u64) -> Instant {
    Instant::from_unix_micros(micros)
}

fn partition(direction: Direction) -> FaultSchedule {
    FaultSchedule::new(vec![Fault::Partition {
        at: at(100),
        duration_micros: 50,
        nodes: BTreeSet::from([PHONE]),
        direction,
    }])
    .unwrap()
}

#[test]
fn faults_are_active_on_a_half_open_window() {
    let schedule = partition(Direction::Both);
    assert_eq!(schedule.cut(at(99), PHONE, DC), None);
    assert_eq!(schedule.cut(at(100), PHONE, DC), Some(DropReason::Partition));
    assert_eq!(schedule.cut(at(149), PHONE, DC), Some(DropReason::Partition));
    assert_eq!(schedule.cut(at(150), PHONE, DC), None);
    assert_eq!(schedule.last_end(), Some(at(150)));
}

#[test]
fn two_way_partition_cuts_both_directions_of_members_only() {
    let schedule = partition(Direction::Both);
    assert_eq!(schedule.cut(at(120), PHONE, DC), Some(DropReason::Partition));
    assert_eq!(schedule.cut(at(120), DC, PHONE), Some(DropReason::Partition));
    assert_eq!(schedule.cut(at(120), LAPTOP, DC), None);
    assert_eq!(schedule.cut(at(120), DC, DC2), None);
}

#[test]
fn to_dc_partition_cuts_only_outgoing_packets() {
    let schedule = partition(Direction::ToDc);
    assert_eq!(schedule.cut(at(120), PHONE, DC), Some(DropReason::Partition));
    assert_eq!(schedule.cut(at(120), DC, PHONE), None);
}

#[test]
fn from_dc_partition_cuts_only_incoming_packets() {
    let schedule = partition(Direction::FromDc);
    assert_eq!(schedule.cut(at(120), PHONE, DC), None);
    assert_eq!(schedule.cut(at(120), DC, PHONE), Some(DropReason::Partition));
}

#[test]
fn traffic_inside_the_partitioned_set_flows() {
    let schedule = FaultSchedule::new(vec![Fault::Partition {
        at: at(0),
        duration_micros: 10,
        nodes: BTreeSet::from([PHONE, DC2]),
        direction: Direction::Both,
    }])
    .unwrap();
    assert_eq!(schedule.cut(at(5), PHONE, DC2), None);
    assert_eq!(schedule.cut(at(5), PHONE, DC), Some(DropReason::Partition));
}

#[test]
fn dc_outage_cuts_everything_to_and_from_that_dc() {
    let schedule = FaultSchedule::new(vec![Fault::DcOutage {
        at: at(0),
        duration_micros: 10,
        dc: 1,
    }])
    .unwrap();
    assert_eq!(schedule.cut(at(5), PHONE, DC), Some(DropReason::DcOutage));
    assert_eq!(schedule.cut(at(5), DC, LAPTOP), Some(DropReason::DcOutage));
    assert_eq!(schedule.cut(at(5), DC2, DC), Some(DropReason::DcOutage));
    assert_eq!(schedule.cut(at(5), PHONE, DC2), None);
}

#[test]
fn device_offline_cuts_that_device_only() {
    let schedule = FaultSchedule::new(vec![Fault::DeviceOffline {
        at: at(0),
        duration_micros: 10,
        device: 2,
    }])
    .unwrap();
    assert_eq!(schedule.cut(at(5), LAPTOP, DC), Some(DropReason::DeviceOffline));
    assert_eq!(schedule.cut(at(5), DC, LAPTOP), Some(DropReason::DeviceOffline));
    assert_eq!(schedule.cut(at(5), PHONE, DC), None);
    assert_eq!(schedule.cut(at(10), LAPTOP, DC), None);
}

#[test]
fn the_first_applicable_fault_names_the_reason() {
    let schedule = FaultSchedule::new(vec![
        Fault::DeviceOffline {
            at: at(0),
            duration_micros: 10,
            device: 1,
        },
        Fault::DcOutage {
            at: at(0),
            duration_micros: 20,
            dc: 1,
        },
    ])
    .unwrap();
    assert_eq!(schedule.cut(at(5), PHONE, DC), Some(DropReason::DeviceOffline));
    assert_eq!(schedule.cut(at(15), PHONE, DC), Some(DropReason::DcOutage));
}

#[test]
fn invalid_faults_are_errors() {
    let zero = Fault::DcOutage {
        at: at(0),
        duration_micros: 0,
        dc: 1,
    };
    let empty = Fault::Partition {
        at: at(0),
        duration_micros: 1,
        nodes: BTreeSet::new(),
        direction: Direction::Both,
    };
    let fine = Fault::DeviceOffline {
        at: at(0),
        duration_micros: 1,
        device: 1,
    };
    assert_eq!(
        FaultSchedule::new(vec![fine.clone(), zero]),
        Err(FaultError::ZeroDuration { index: 1 })
    );
    assert_eq!(
        FaultSchedule::new(vec![empty]),
        Err(FaultError::EmptyPartition { index: 0 })
    );
    assert_eq!(
        FaultSchedule::new(vec![fine; MAX_FAULTS + 1]),
        Err(FaultError::TooManyFaults { count: MAX_FAULTS + 1 })
    );
}

#[test]
fn window_end_saturates() {
    let fault = Fault::DeviceOffline {
        at: at(u64::MAX - 1),
        duration_micros: 10,
        device: 1,
    };
    assert_eq!(fault.end(), at(u64::MAX));
    assert!(fault.is_active(at(u64::MAX - 1)));
}
