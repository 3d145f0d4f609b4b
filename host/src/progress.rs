//! A progress line on stderr while image layers stream: layers done and
//! bytes read. Drawn only when stderr is a terminal, and only once the scan
//! has taken more than a moment, so quick scans and CI logs stay silent.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Delay before the first draw.
const QUIET_FOR: Duration = Duration::from_millis(700);
/// Time between draws.
const EVERY: Duration = Duration::from_millis(150);

struct Counters {
    layers_total: usize,
    layers_done: AtomicUsize,
    bytes: AtomicU64,
    stop: AtomicBool,
}

/// Counters the layer workers update, and the thread that draws them.
pub struct Progress {
    counters: Arc<Counters>,
    drawer: Option<thread::JoinHandle<()>>,
}

impl Progress {
    /// Starts counting; starts drawing only if stderr is a terminal.
    pub fn start(layers_total: usize) -> Progress {
        let counters = Arc::new(Counters {
            layers_total,
            layers_done: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            stop: AtomicBool::new(false),
        });
        let drawer = std::io::stderr().is_terminal().then(|| {
            let counters = Arc::clone(&counters);
            thread::spawn(move || draw(&counters))
        });
        Progress { counters, drawer }
    }

    /// Adds uncompressed bytes read.
    pub fn add_bytes(&self, bytes: u64) {
        self.counters.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Marks one more layer done.
    pub fn layer_done(&self) {
        self.counters.layers_done.fetch_add(1, Ordering::Relaxed);
    }

    /// Stops drawing and clears the line.
    pub fn finish(&self) {
        self.counters.stop.store(true, Ordering::Relaxed);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
        if let Some(drawer) = self.drawer.take() {
            let _ = drawer.join();
        }
    }
}

fn draw(counters: &Counters) {
    let started = Instant::now();
    let mut drawn = false;
    while !counters.stop.load(Ordering::Relaxed) {
        thread::sleep(EVERY);
        if started.elapsed() < QUIET_FOR {
            continue;
        }
        let done = counters.layers_done.load(Ordering::Relaxed);
        let megabytes = counters.bytes.load(Ordering::Relaxed) as f64 / 1e6;
        let mut stderr = std::io::stderr().lock();
        let _ = write!(
            stderr,
            "\r\x1b[2Kscanning layers {done}/{} · {megabytes:.0} MB",
            counters.layers_total
        );
        let _ = stderr.flush();
        drawn = true;
    }
    if drawn {
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "\r\x1b[2K");
        let _ = stderr.flush();
    }
}
