//! Generation benchmarks (criterion): the largest pinned spec, `corpus/box.json` (1.8 MB; only
//! our generator handles it), and `corpus/progenitor-nexus.json` (437 kB) with both generators.
//! Each iteration is the full path from spec text to formatted files.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use atlas_bench::generators::{self, Which};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

fn spec(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn generation(c: &mut Criterion) {
    for (file, generators) in
        [("box.json", &[Which::Ours][..]), ("progenitor-nexus.json", &[Which::Ours, Which::Progenitor][..])]
    {
        let text = spec(file);
        let name = generators::crate_name(file.trim_end_matches(".json"));
        let mut group = c.benchmark_group(format!("generate_{}", name));
        group.sampling_mode(SamplingMode::Flat);
        group.sample_size(10);
        group.warm_up_time(Duration::from_secs(2));
        group.measurement_time(Duration::from_secs(15));
        group.throughput(Throughput::Bytes(text.len() as u64));
        for &which in generators {
            group.bench_function(which.label(), |b| {
                b.iter(|| generators::generate(which, black_box(&text), file, &name).unwrap())
            });
        }
        group.finish();
    }
}

criterion_group!(benches, generation);
criterion_main!(benches);
