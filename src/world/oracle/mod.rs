//! Oracles: what must (or must not) happen in a run, judged against the
//! simulator's ground truth — logout bypasses, surviving footholds with
//! their causal chains, sync convergence, wipes of terminated devices.

pub mod bypass;
pub mod credentials;
