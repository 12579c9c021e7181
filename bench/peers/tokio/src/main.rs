//! Tokio side of weft's peer benchmark. Prints one line per metric:
//! `METRIC <value>` (ns per operation; *_bytes are bytes per task). Same workloads, same sizes, same worker count
//! as bench/peers/weft_peer.cpp; bench/peers/compare runs both.
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// Counts every allocation's size (the spawn_alloc_bytes metric).
struct Counting;
static ALLOCATED: AtomicU64 = AtomicU64::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size() as u64, Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size as u64, Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}
#[global_allocator]
static GLOBAL: Counting = Counting;

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0);
    pages * 4096
}

fn peak_resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    for line in status.lines() {
        if let Some(rest) = line.strip_prefix("VmHWM:") {
            let kb: u64 = rest.trim().trim_end_matches("kB").trim().parse().unwrap_or(0);
            return kb * 1024;
        }
    }
    0
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

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

fn mpsc_apart(n: u64) -> f64 {
    let one_worker = || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("tokio runtime")
    };
    let producer_side = one_worker();
    let consumer_side = one_worker();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<u64>(1024);
    let start = Instant::now();
    let producer = std::thread::spawn(move || {
        producer_side.block_on(async move {
            tokio::spawn(async move {
                for i in 0..n {
                    let _ = tx.send(i).await;
                }
            })
            .await
            .unwrap()
        })
    });
    let sum = consumer_side.block_on(async move {
        tokio::spawn(async move {
            let mut sum = 0u64;
            while let Some(v) = rx.recv().await {
                sum += v;
            }
            sum
        })
        .await
        .unwrap()
    });
    producer.join().unwrap();
    if sum != n * (n - 1) / 2 {
        eprintln!("weft-peer-tokio: mpsc_apart lost messages");
    }
    start.elapsed().as_nanos() as f64 / n as f64
}

static WAITING: AtomicUsize = AtomicUsize::new(0);

fn idle_tasks(rt: &tokio::runtime::Runtime, n: usize) -> f64 {
    rt.block_on(async move {
        tokio::spawn(async move {
            let mut senders = Vec::with_capacity(n);
            let mut hs = Vec::with_capacity(n);
            WAITING.store(0, Relaxed); // the workload may run twice in one process
            let before = resident_bytes();
            for _ in 0..n {
                let (tx, rx) = tokio::sync::oneshot::channel::<i32>();
                senders.push(tx);
                hs.push(tokio::spawn(async move {
                    WAITING.fetch_add(1, Relaxed);
                    let _ = rx.await;
                }));
            }
            while WAITING.load(Relaxed) < n {
                tokio::task::yield_now().await;
            }
            let after = resident_bytes();
            for (i, tx) in senders.into_iter().enumerate() {
                let _ = tx.send(i as i32);
            }
            for h in hs {
                h.await.unwrap();
            }
            // The two lists are the benchmark's, not the tasks': their
            // entries become resident as they fill, so their size comes off.
            let lists = std::mem::size_of::<tokio::sync::oneshot::Sender<i32>>()
                + std::mem::size_of::<tokio::task::JoinHandle<()>>();
            after.saturating_sub(before) as f64 / n as f64 - lists as f64
        })
        .await
        .unwrap()
    })
}

fn churn(rt: &tokio::runtime::Runtime, n: usize) -> (f64, f64) {
    rt.block_on(async move {
        tokio::spawn(async move {
            let mut handles = Vec::with_capacity(n);
            reset_peak();
            let before = resident_bytes();
            let allocated = ALLOCATED.load(Relaxed);
            for _ in 0..n {
                handles.push(tokio::spawn(async {}));
            }
            for h in handles {
                h.await.unwrap();
            }
            let bytes = (ALLOCATED.load(Relaxed) - allocated) as f64 / n as f64;
            let peak = peak_resident_bytes().saturating_sub(before) as f64 / n as f64
                - std::mem::size_of::<tokio::task::JoinHandle<()>>() as f64; // the list of handles
            (peak, bytes)
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
            "mpsc_current" => {
                let one = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("tokio runtime");
                mpsc_bench(&one, 10_000_000)
            }
            "mpsc_apart" => mpsc_apart(10_000_000),
            "idle_tasks" => {
                println!("idle_task_bytes {:.2}", idle_tasks(&rt, 1_000_000));
                continue;
            }
            "churn" => {
                let (peak, bytes) = churn(&rt, 1_000_000);
                println!("churn_peak_bytes {:.2}\nspawn_alloc_bytes {:.2}", peak, bytes);
                continue;
            }
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
