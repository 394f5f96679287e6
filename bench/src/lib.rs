//! Benchmark support shared by the `bench-gen` binary (driven by `cargo xtask bench`) and the
//! criterion benchmarks in `benches/`.
//!
//! - [`generators`]: both generators' full path from spec text to formatted files.
//! - [`fixtures`]: realistic customer JSON and a hand-written serde model of the same shape.
//! - [`server`]: a keep-alive HTTP/1.1 responder on 127.0.0.1 with canned bodies.
//! - [`synth`]: a large spec made by replicating a real one under renamed prefixes.
//! - [`latency`]: the round trips compared, and every runtime comparison measured interleaved.
#![forbid(unsafe_code)]

pub mod fixtures;
pub mod generators;
pub mod latency;
pub mod server;
pub mod synth;
