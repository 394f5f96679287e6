//! Client runtime benchmarks (criterion). `cargo xtask bench` runs them and reports the ratios
//! generated/hand-written and client/bare-reqwest from `target/criterion/*/*/new/estimates.json`.
//!
//! - `decode/*`: one 100-customer list page (every field set), `serde_json::from_slice` into
//!   `atlaspay::types::CustomerList` vs the hand-written model of the same shape in
//!   `atlas_bench::fixtures`; plus the runtime's own decoder (`decode_json`, which adds
//!   `serde_path_to_error` for error paths) on the same bytes.
//! - `roundtrip/*`: `client.customers().retrieve("cus_1")` vs bare reqwest GET + `from_slice`,
//!   against the keep-alive loopback server of `atlas_bench::server`.
//! - `paginate_1000/*`: `customers().list(limit 100).into_stream()` over 10 pages vs a bare
//!   reqwest loop over the same pages.

use std::hint::black_box;
use std::time::Duration;

use atlas_bench::fixtures;
use atlas_bench::latency::{
    atlas_client, bare_client, bare_paginate, bare_retrieve, client_paginate, client_retrieve,
};
use atlas_bench::server::Server;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn decode(c: &mut Criterion) {
    let bytes = fixtures::customer_page_bytes(0, 100, 1_000);
    let raw = atlaspay::runtime::RawResponse::new(
        reqwest::StatusCode::OK,
        reqwest::header::HeaderMap::new(),
        bytes::Bytes::from(bytes.clone()),
    );
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("generated", |b| {
        b.iter(|| serde_json::from_slice::<atlaspay::types::CustomerList>(black_box(&bytes)).unwrap())
    });
    group.bench_function("handwritten", |b| {
        b.iter(|| serde_json::from_slice::<fixtures::CustomerList>(black_box(&bytes)).unwrap())
    });
    group.bench_function("generated_runtime_decoder", |b| {
        b.iter(|| atlaspay::runtime::decode_json::<atlaspay::types::CustomerList>(black_box(&raw)).unwrap())
    });
    group.finish();
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn roundtrip(c: &mut Criterion) {
    let server = Server::start().unwrap();
    let rt = runtime();
    let client = atlas_client(&server.url()).unwrap();
    let http = bare_client().unwrap();
    let url = format!("{}/v1/customers/cus_1", server.url());
    let mut group = c.benchmark_group("roundtrip");
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("client", |b| b.iter(|| rt.block_on(client_retrieve(&client)).unwrap()));
    group.bench_function("reqwest", |b| b.iter(|| rt.block_on(bare_retrieve(&http, &url)).unwrap()));
    group.finish();
}

fn paginate(c: &mut Criterion) {
    let server = Server::start().unwrap();
    let rt = runtime();
    let client = atlas_client(&server.url()).unwrap();
    let http = bare_client().unwrap();
    let base = server.url();
    let mut group = c.benchmark_group("paginate_1000");
    group.throughput(Throughput::Elements(1_000));
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("client", |b| {
        b.iter(|| assert_eq!(rt.block_on(client_paginate(&client)).unwrap(), 1_000))
    });
    group.bench_function("reqwest", |b| {
        b.iter(|| assert_eq!(rt.block_on(bare_paginate(&http, &base)).unwrap(), 1_000))
    });
    group.finish();
}

criterion_group!(benches, decode, roundtrip, paginate);
criterion_main!(benches);
