//! A clock that only moves when something sleeps, for tests of retry,
//! polling and renewal timing without real waits. Compiled into the
//! library's unit tests (src/clock.rs) and into the end-to-end tests, never
//! into the shipped library. `super::Clock` is the clock trait in both.

use super::Clock;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// A clock that only moves when something sleeps; records every sleep so
/// tests can assert the waits a component chose.
pub struct FakeClock {
    state: Mutex<(SystemTime, Vec<Duration>)>,
}

impl FakeClock {
    pub fn new(start: SystemTime) -> Self {
        FakeClock {
            state: Mutex::new((start, Vec::new())),
        }
    }

    pub fn sleeps(&self) -> Vec<Duration> {
        self.state.lock().expect("clock mutex poisoned").1.clone()
    }

    pub fn advance(&self, by: Duration) {
        self.state.lock().expect("clock mutex poisoned").0 += by;
    }
}

impl Clock for FakeClock {
    fn now(&self) -> SystemTime {
        self.state.lock().expect("clock mutex poisoned").0
    }

    fn sleep(&self, duration: Duration) {
        let mut state = self.state.lock().expect("clock mutex poisoned");
        state.0 += duration;
        state.1.push(duration);
    }
}
