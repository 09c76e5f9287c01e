//! The crate's one integration-test binary: published values first, then properties, then
//! a discrete-event simulation (slow, run when `RELEVO_SLOW_TESTS=1`).

mod properties;
mod published;
mod simulation;
mod tolerance;
