//! Tokio side of weft's peer benchmark. Prints one line per workload:
//! `WORKLOAD <ns per op>`. Same workloads, same sizes, same worker count
//! as bench/peers/weft_peer.cpp; bench/peers/compare runs both.
use std::time::Instant;

fn spawn_join(rt: &tokio::runtime::Runtime, n: usize) -> f64 {
    rt.block_on(async move {
        tokio::spawn(async move {
            let start = Instant::now();
            let mut handles = Vec::with_capacity(n);
            for _ in 0..n {
                handles.push(tokio::spawn(async {}));
            }
            for h in handles {
                h.await.unwrap();
            }
            start.elapsed().as_nanos() as f64 / n as f64
        })
        .await
        .unwrap()
    })
}

fn yield_loop(rt: &tokio::runtime::Runtime, n: usize) -> f64 {
    rt.block_on(async move {
        tokio::spawn(async move {
            let start = Instant::now();
            for _ in 0..n {
                tokio::task::yield_now().await;
            }
            start.elapsed().as_nanos() as f64 / n as f64
        })
        .await
        .unwrap()
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let workers = 2;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("tokio runtime");
    for w in &args {
        let ns = match w.as_str() {
            "spawn_join" => spawn_join(&rt, 1_000_000),
            "yield" => yield_loop(&rt, 1_000_000),
            other => {
                eprintln!("weft-peer-tokio: unknown workload '{}'", other);
                std::process::exit(2);
            }
        };
        println!("{} {:.2}", w, ns);
    }
}
