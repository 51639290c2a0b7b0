//! One delivery's attempts: exponential backoff between them, a server's
//! `Retry-After` honoured, and one time bound over all of it.
//!
//! No jitter: one machine sends one message a night per rule, there is no
//! crowd of clients to spread out.

use std::time::{Duration, Instant};

use crate::rule::Limits;

/// What one attempt came to.
#[derive(Debug)]
pub(crate) enum Attempt {
    Delivered,
    /// Worth trying again (connection error, timeout, 429, 5xx); the server
    /// may say how long to wait.
    Transient {
        error: String,
        retry_after: Option<Duration>,
    },
    /// Trying again cannot help (refused credentials, a bad request).
    Permanent(String),
}

/// How the delivery ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub attempts: u32,
    /// `None` when delivered.
    pub error: Option<String>,
}

/// Runs `attempt(number, time left)` until it delivers, fails for good, the
/// attempts are spent, or the next wait would pass the time bound. The
/// attempt itself must stop within the time it is given.
pub(crate) fn deliver(
    limits: Limits,
    mut attempt: impl FnMut(u32, Duration) -> Attempt,
) -> Outcome {
    let deadline = Instant::now() + limits.total;
    let mut n = 0;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Outcome {
                attempts: n,
                error: Some(format!(
                    "gave up after {n} attempts: the time bound of {}s was reached",
                    limits.total.as_secs()
                )),
            };
        }
        n += 1;
        let (error, retry_after) = match attempt(n, left) {
            Attempt::Delivered => {
                return Outcome {
                    attempts: n,
                    error: None,
                };
            }
            Attempt::Permanent(error) => {
                return Outcome {
                    attempts: n,
                    error: Some(error),
                };
            }
            Attempt::Transient { error, retry_after } => (error, retry_after),
        };
        if n >= limits.attempts {
            return Outcome {
                attempts: n,
                error: Some(format!("gave up after {n} attempts: {error}")),
            };
        }
        let wait = retry_after.unwrap_or_else(|| backoff(limits.backoff, n));
        if Instant::now() + wait >= deadline {
            return Outcome {
                attempts: n,
                error: Some(format!(
                    "gave up after {n} attempts: waiting {}ms for the next would pass the time bound of {}s; last error: {error}",
                    wait.as_millis(),
                    limits.total.as_secs()
                )),
            };
        }
        tracing::debug!(attempt = n, wait_ms = wait.as_millis() as u64, %error, "notification attempt failed, retrying");
        std::thread::sleep(wait);
    }
}

/// `base`, `2·base`, `4·base`… after the first, second, third attempt.
fn backoff(base: Duration, after_attempt: u32) -> Duration {
    base.saturating_mul(1u32 << (after_attempt - 1).min(16))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(total_ms: u64, attempts: u32, backoff_ms: u64) -> Limits {
        Limits {
            total: Duration::from_millis(total_ms),
            attempts,
            backoff: Duration::from_millis(backoff_ms),
        }
    }

    fn transient() -> Attempt {
        Attempt::Transient {
            error: "503".into(),
            retry_after: None,
        }
    }

    #[test]
    fn backoff_doubles() {
        let b = Duration::from_millis(100);
        assert_eq!(
            [1, 2, 3].map(|n| backoff(b, n).as_millis()),
            [100, 200, 400]
        );
    }

    #[test]
    fn transient_failures_are_retried_up_to_the_attempts() {
        let mut calls = 0;
        let out = deliver(limits(5000, 3, 1), |_, _| {
            calls += 1;
            transient()
        });
        assert_eq!((calls, out.attempts), (3, 3));
        assert!(
            out.error
                .unwrap()
                .starts_with("gave up after 3 attempts: 503")
        );
    }

    #[test]
    fn a_permanent_failure_or_a_success_stops_at_once() {
        let out = deliver(limits(5000, 3, 1), |_, _| Attempt::Permanent("401".into()));
        assert_eq!(
            out,
            Outcome {
                attempts: 1,
                error: Some("401".into())
            }
        );
        let out = deliver(limits(5000, 3, 1), |n, _| {
            if n == 1 {
                transient()
            } else {
                Attempt::Delivered
            }
        });
        assert_eq!(
            out,
            Outcome {
                attempts: 2,
                error: None
            }
        );
    }

    #[test]
    fn a_wait_past_the_time_bound_ends_the_delivery_without_sleeping() {
        let started = Instant::now();
        let out = deliver(limits(1000, 5, 1), |_, _| Attempt::Transient {
            error: "429".into(),
            retry_after: Some(Duration::from_secs(60)),
        });
        assert!(started.elapsed() < Duration::from_millis(500));
        assert_eq!(out.attempts, 1);
        assert!(out.error.unwrap().contains("pass the time bound"));
    }
}
