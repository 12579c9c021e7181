//! Tokio side of weft's peer benchmark. Prints one line per workload:
//! `WORKLOAD <ns per op>`. Same workloads, same sizes, same worker count
//! as bench/peers/weft_peer.cpp; bench/peers/compare runs both.
use std::time::{Duration, Instant};

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

fn mpsc_bench(rt: &tokio::runtime::Runtime, n: u64) -> f64 {
    rt.block_on(async move {
        tokio::spawn(async move {
            let (tx, mut rx) = tokio::sync::mpsc::channel::<u64>(1024);
            let start = Instant::now();
            let producer = tokio::spawn(async move {
                for i in 0..n {
                    let _ = tx.send(i).await;
                }
            });
            let consumer = tokio::spawn(async move {
                let mut sum = 0u64;
                while let Some(v) = rx.recv().await {
                    sum += v;
                }
                sum
            });
            producer.await.unwrap();
            let sum = consumer.await.unwrap();
            if sum != n * (n - 1) / 2 {
                eprintln!("weft-peer-tokio: mpsc lost messages");
            }
            start.elapsed().as_nanos() as f64 / n as f64
        })
        .await
        .unwrap()
    })
}

fn oneshot_pingpong(rt: &tokio::runtime::Runtime, n: usize) -> f64 {
    rt.block_on(async move {
        tokio::spawn(async move {
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<tokio::sync::oneshot::Sender<i32>>();
            let replier = tokio::spawn(async move {
                let mut i = 0;
                while let Some(reply) = rx.recv().await {
                    let _ = reply.send(i);
                    i += 1;
                }
            });
            let start = Instant::now();
            for _ in 0..n {
                let (otx, orx) = tokio::sync::oneshot::channel::<i32>();
                let _ = tx.send(otx);
                let _ = orx.await;
            }
            let per = start.elapsed().as_nanos() as f64 / n as f64;
            drop(tx);
            replier.await.unwrap();
            per
        })
        .await
        .unwrap()
    })
}

fn tcp_echo(rt: &tokio::runtime::Runtime, n: usize) -> f64 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    rt.block_on(async move {
        tokio::spawn(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = tokio::spawn(async move {
                let (mut c, _) = listener.accept().await.unwrap();
                c.set_nodelay(true).unwrap();
                let mut buf = [0u8; 64];
                loop {
                    if c.read_exact(&mut buf).await.is_err() {
                        break;
                    }
                    if c.write_all(&buf).await.is_err() {
                        break;
                    }
                }
            });
            let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
            s.set_nodelay(true).unwrap();
            let mut buf = [0u8; 64];
            let start = Instant::now();
            for _ in 0..n {
                s.write_all(&buf).await.unwrap();
                s.read_exact(&mut buf).await.unwrap();
            }
            let per = start.elapsed().as_nanos() as f64 / n as f64;
            s.shutdown().await.unwrap();
            server.await.unwrap();
            per
        })
        .await
        .unwrap()
    })
}

fn timers(rt: &tokio::runtime::Runtime, n: usize) -> (f64, f64, f64) {
    rt.block_on(async move {
        tokio::spawn(async move {
            let mut x: u64 = 0x2545f4914f6cdd1d;
            let mut hs = Vec::with_capacity(n);
            let start = Instant::now();
            for _ in 0..n {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let ms = 1 + (x >> 33) % 100;
                hs.push(tokio::spawn(async move {
                    let deadline = tokio::time::Instant::now() + Duration::from_millis(ms);
                    tokio::time::sleep_until(deadline).await;
                    (tokio::time::Instant::now() - deadline).as_nanos() as f64
                }));
            }
            let mut late = Vec::with_capacity(n);
            for h in hs {
                late.push(h.await.unwrap());
            }
            let total = start.elapsed().as_nanos() as f64;
            late.sort_by(|a, b| a.partial_cmp(b).unwrap());
            (total / n as f64, late[late.len() / 2], late[late.len() * 99 / 100])
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
            "mpsc" => mpsc_bench(&rt, 10_000_000),
            "oneshot_pingpong" => oneshot_pingpong(&rt, 1_000_000),
            "tcp_echo" => tcp_echo(&rt, 100_000),
            "timers" => {
                let (total, p50, p99) = timers(&rt, 100_000);
                println!("timers {:.2}\ntimers_late_p50 {:.2}\ntimers_late_p99 {:.2}", total, p50, p99);
                continue;
            }
            other => {
                eprintln!("weft-peer-tokio: unknown workload '{}'", other);
                std::process::exit(2);
            }
        };
        println!("{} {:.2}", w, ns);
    }
}
