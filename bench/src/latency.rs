//! The round trips the runtime benchmarks compare, and a direct per-request latency measurement.
//!
//! - client: `atlaspay::Client` (default settings: retries, timeouts, auth, `User-Agent`, typed
//!   decode through `serde_path_to_error`) calling `customers().retrieve("cus_1")`, or walking
//!   `customers().list(limit 100).into_stream()` over 10 pages.
//! - baseline: a bare `reqwest::Client` (the same reqwest 0.13 build) sending the same GET with the
//!   same bearer token, `bytes()`, then `serde_json::from_slice` into the same generated type, so
//!   the difference is the client layer and not the data model.
//!
//! [`measure`] times single operations (one decode, one request, one 10-page walk) with the
//! variants taking turns, so a burst of load from other processes hits every variant alike, and
//! reports percentiles of the individual times: a true per-operation p50, unlike criterion's
//! median of per-sample means, whose variants run one after the other.

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use serde::Serialize;

use crate::server::{PAGE_SIZE, PAGES, Server};

/// The bearer token both clients send.
pub const API_KEY: &str = "sk_test_bench_0000000000";

/// An `atlaspay::Client` against the loopback server, default settings otherwise.
pub fn atlas_client(server_url: &str) -> Result<atlaspay::Client, String> {
    atlaspay::Client::builder()
        .base_url(format!("{server_url}/v1"))
        .secret_key(API_KEY)
        .build()
        .map_err(|e| e.to_string())
}

/// A bare reqwest client (no redirects, like the one atlaspay builds).
pub fn bare_client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().map_err(|e| e.to_string())
}

/// `GET /v1/customers/cus_1` through the generated client.
pub async fn client_retrieve(client: &atlaspay::Client) -> Result<atlaspay::types::Customer, String> {
    client.customers().retrieve("cus_1").await.map_err(|e| e.to_string())
}

/// The same GET with bare reqwest + `serde_json::from_slice`.
pub async fn bare_retrieve(http: &reqwest::Client, url: &str) -> Result<atlaspay::types::Customer, String> {
    let response = http.get(url).bearer_auth(API_KEY).send().await.map_err(|e| e.to_string())?;
    let response = response.error_for_status().map_err(|e| e.to_string())?;
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    serde_json::from_slice(&body).map_err(|e| e.to_string())
}

/// Every customer across the 10 pages, through `into_stream()`; returns the item count.
pub async fn client_paginate(client: &atlaspay::Client) -> Result<usize, String> {
    let params = atlaspay::types::ListCustomersParams::new().limit(PAGE_SIZE as i64);
    let mut stream = client.customers().list(params).into_stream();
    let mut n = 0;
    while let Some(customer) = stream.try_next().await.map_err(|e| e.to_string())? {
        std::hint::black_box(&customer);
        n += 1;
    }
    Ok(n)
}

/// The same pages with bare reqwest: GET, decode, follow `has_more` (at most [`PAGES`] + 1).
pub async fn bare_paginate(http: &reqwest::Client, server_url: &str) -> Result<usize, String> {
    let mut n = 0;
    for page in 0..=PAGES {
        let url = format!("{server_url}/v1/customers?limit={PAGE_SIZE}&offset={}", page * PAGE_SIZE);
        let response = http.get(&url).bearer_auth(API_KEY).send().await.map_err(|e| e.to_string())?;
        let body = response
            .error_for_status()
            .map_err(|e| e.to_string())?
            .bytes()
            .await
            .map_err(|e| e.to_string())?;
        let list: atlaspay::types::CustomerList = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        let more = list.has_more;
        for customer in list.data {
            std::hint::black_box(&customer);
            n += 1;
        }
        if !more {
            break;
        }
    }
    Ok(n)
}

/// Which side of the pagination comparison [`walk`] runs.
#[derive(Clone, Copy, Debug)]
pub enum Side {
    Client,
    Reqwest,
}

/// `walks` walks over every page through one side against a fresh loopback server; returns
/// the items seen in total.
pub fn walk(side: Side, walks: usize) -> Result<usize, String> {
    let server = Server::start().map_err(|e| format!("cannot start the loopback server: {e}"))?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let url = server.url();
    let client = atlas_client(&url)?;
    let http = bare_client()?;
    rt.block_on(async {
        let mut items = 0;
        for _ in 0..walks {
            items += match side {
                Side::Client => client_paginate(&client).await?,
                Side::Reqwest => bare_paginate(&http, &url).await?,
            };
        }
        Ok(items)
    })
}

/// Percentiles of one series, in microseconds.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub samples: usize,
    pub p50_us: f64,
    pub p90_us: f64,
    pub p99_us: f64,
    pub mean_us: f64,
}

impl Stats {
    fn of(mut ns: Vec<u64>) -> Self {
        ns.sort_unstable();
        let pick = |q: f64| {
            let i = ((ns.len() as f64 - 1.0) * q).round() as usize;
            ns.get(i).copied().unwrap_or(0) as f64 / 1_000.0
        };
        let mean =
            if ns.is_empty() { 0.0 } else { ns.iter().sum::<u64>() as f64 / ns.len() as f64 / 1_000.0 };
        Self { samples: ns.len(), p50_us: pick(0.5), p90_us: pick(0.9), p99_us: pick(0.99), mean_us: mean }
    }
}

/// One variant's statistics.
#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    pub name: String,
    #[serde(flatten)]
    pub stats: Stats,
}

/// `name` = "variant/baseline" and the ratio of their p50s.
#[derive(Debug, Clone, Serialize)]
pub struct Ratio {
    pub name: String,
    pub p50_ratio: f64,
}

/// Two or more variants of one operation, measured interleaved; each variant other than the
/// baseline gets its p50 ratio to the baseline.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub variants: Vec<Variant>,
    pub ratios: Vec<Ratio>,
}

impl Comparison {
    fn new(names: &[&str], times: Vec<Vec<u64>>, baseline: usize) -> Self {
        let variants: Vec<Variant> = names
            .iter()
            .zip(times)
            .map(|(n, t)| Variant { name: (*n).to_owned(), stats: Stats::of(t) })
            .collect();
        let base = &variants[baseline];
        let ratios = variants
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != baseline)
            .map(|(_, v)| Ratio {
                name: format!("{}/{}", v.name, base.name),
                p50_ratio: if base.stats.p50_us > 0.0 {
                    v.stats.p50_us / base.stats.p50_us
                } else {
                    f64::NAN
                },
            })
            .collect();
        Self { variants, ratios }
    }
}

/// Every runtime comparison, measured interleaved.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub decode: Comparison,
    pub roundtrip: Comparison,
    pub paginate_1000: Comparison,
}

/// Rotates through the variants so each one goes first equally often.
fn order(i: usize, n: usize) -> impl Iterator<Item = usize> {
    (0..n).map(move |k| (i + k) % n)
}

/// Measures decode, round trip and pagination with every variant interleaved (the variants take
/// turns going first), `scale` × (2,000 / 20,000 / 200) samples per variant after a warm-up, each
/// loop stopping early after `limit` of wall time.
pub fn measure(scale: f64, limit: Duration) -> Result<Report, String> {
    let count = |n: f64| ((n * scale) as usize).max(1);

    // Decode: one 100-customer page.
    let bytes = crate::fixtures::customer_page_bytes(0, PAGE_SIZE, PAGE_SIZE * PAGES);
    let raw = atlaspay::runtime::RawResponse::new(
        reqwest::StatusCode::OK,
        reqwest::header::HeaderMap::new(),
        bytes::Bytes::from(bytes.clone()),
    );
    let decode_once = |variant: usize| -> Result<(), String> {
        match variant {
            0 => drop(std::hint::black_box(
                serde_json::from_slice::<atlaspay::types::CustomerList>(&bytes).map_err(|e| e.to_string())?,
            )),
            1 => drop(std::hint::black_box(
                serde_json::from_slice::<crate::fixtures::CustomerList>(&bytes).map_err(|e| e.to_string())?,
            )),
            _ => drop(std::hint::black_box(
                atlaspay::runtime::decode_json::<atlaspay::types::CustomerList>(&raw)
                    .map_err(|e| e.to_string())?,
            )),
        }
        Ok(())
    };
    for v in 0..3 {
        for _ in 0..50 {
            decode_once(v)?;
        }
    }
    let mut times = vec![Vec::new(), Vec::new(), Vec::new()];
    let started = Instant::now();
    for i in 0..count(2_000.0) {
        if started.elapsed() > limit {
            break;
        }
        for v in order(i, 3) {
            let t = Instant::now();
            decode_once(v)?;
            times[v].push(t.elapsed().as_nanos() as u64);
        }
    }
    let decode = Comparison::new(&["generated", "handwritten", "generated_runtime_decoder"], times, 1);

    // Round trip and pagination against the loopback server.
    let server = Server::start().map_err(|e| format!("cannot start the loopback server: {e}"))?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let url = server.url();
    let client = atlas_client(&url)?;
    let http = bare_client()?;
    let one_url = format!("{url}/v1/customers/cus_1");
    let (roundtrip, paginate_1000) = rt.block_on(async {
        for _ in 0..200 {
            client_retrieve(&client).await?;
            bare_retrieve(&http, &one_url).await?;
        }
        let mut times = vec![Vec::new(), Vec::new()];
        let started = Instant::now();
        for i in 0..count(20_000.0) {
            if started.elapsed() > limit {
                break;
            }
            for v in order(i, 2) {
                let t = Instant::now();
                if v == 0 {
                    std::hint::black_box(client_retrieve(&client).await?);
                } else {
                    std::hint::black_box(bare_retrieve(&http, &one_url).await?);
                }
                times[v].push(t.elapsed().as_nanos() as u64);
            }
        }
        let roundtrip = Comparison::new(&["client", "reqwest"], times, 1);

        for _ in 0..5 {
            client_paginate(&client).await?;
            bare_paginate(&http, &url).await?;
        }
        let mut times = vec![Vec::new(), Vec::new()];
        let started = Instant::now();
        for i in 0..count(200.0) {
            if started.elapsed() > limit {
                break;
            }
            for v in order(i, 2) {
                let t = Instant::now();
                let n =
                    if v == 0 { client_paginate(&client).await? } else { bare_paginate(&http, &url).await? };
                times[v].push(t.elapsed().as_nanos() as u64);
                if n != PAGE_SIZE * PAGES {
                    return Err(format!("paginated {n} items instead of {}", PAGE_SIZE * PAGES));
                }
            }
        }
        Ok::<_, String>((roundtrip, Comparison::new(&["client", "reqwest"], times, 1)))
    })?;
    Ok(Report { decode, roundtrip, paginate_1000 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_agree_and_paginate_everything() {
        let server = Server::start().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let client = atlas_client(&server.url()).unwrap();
        let http = bare_client().unwrap();
        rt.block_on(async {
            let a = client_retrieve(&client).await.unwrap();
            let b = bare_retrieve(&http, &format!("{}/v1/customers/cus_1", server.url())).await.unwrap();
            assert_eq!(a, b);
            assert_eq!(client_paginate(&client).await.unwrap(), PAGE_SIZE * PAGES);
            assert_eq!(bare_paginate(&http, &server.url()).await.unwrap(), PAGE_SIZE * PAGES);
        });
        let report = measure(0.01, Duration::from_secs(30)).unwrap();
        assert_eq!(report.decode.variants.len(), 3);
        assert_eq!(report.decode.variants[0].stats.samples, 20);
        assert_eq!(report.decode.ratios[1].name, "generated_runtime_decoder/handwritten");
        assert_eq!(report.roundtrip.variants[1].stats.samples, 200);
        assert_eq!(report.paginate_1000.variants[0].stats.samples, 2);
        assert_eq!(report.roundtrip.ratios[0].name, "client/reqwest");
        assert!(report.roundtrip.ratios[0].p50_ratio > 0.0);
    }

    #[test]
    fn a_walk_sees_every_item_of_every_page_each_time() {
        assert_eq!(walk(Side::Client, 2).unwrap(), 2 * PAGE_SIZE * PAGES);
        assert_eq!(walk(Side::Reqwest, 3).unwrap(), 3 * PAGE_SIZE * PAGES);
    }
}
