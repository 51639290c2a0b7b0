//! What keeps a page that changes money records safe: where it may listen,
//! the access token, the CSRF token of every form, and access logs that
//! name no one.
//!
//! - Loopback (127.0.0.1, ::1) is the default and needs no token: only
//!   people logged in on the machine reach it.
//! - Any other address needs a token (`--token` or a mode-600 token file),
//!   checked on every request: `Authorization: Bearer <token>`, or the
//!   `recon_token` cookie that opening `/?token=<token>` once sets
//!   (HttpOnly, SameSite=Strict).
//! - Every state-changing request is a POST carrying the page's CSRF token
//!   (a random value of this server process, in every form), and one whose
//!   `Origin` or `Sec-Fetch-Site` says another site sent it is refused.
//! - The access log has the method, the path without its query (searches
//!   hold names and amounts), the status and the time taken.

use std::fs;
use std::io::Read;
use std::net::SocketAddr;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

use crate::App;

/// `n` random bytes from the kernel, as hex.
pub fn random_hex(n: usize) -> std::io::Result<String> {
    let mut buf = vec![0u8; n];
    fs::File::open("/dev/urandom")?.read_exact(&mut buf)?;
    Ok(hex::encode(buf))
}

/// Equal without telling by its timing how much of a guess was right.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Reads a token file: the first line, which must be there, of a file
/// only its owner may read (mode 600 or 400).
pub fn read_token_file(path: &Path) -> Result<String, String> {
    let meta = fs::metadata(path).map_err(|e| format!("token file {}: {e}", path.display()))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(format!(
            "token file {} is readable by others (mode {mode:o}): chmod 600 it",
            path.display()
        ));
    }
    let text =
        fs::read_to_string(path).map_err(|e| format!("token file {}: {e}", path.display()))?;
    let token = text.lines().next().unwrap_or("").trim().to_string();
    if token.len() < 16 {
        return Err(format!(
            "token file {}: the token is shorter than 16 characters",
            path.display()
        ));
    }
    Ok(token)
}

/// Refuses an address other than loopback without a token.
pub fn check_bind(addr: &SocketAddr, token: Option<&str>) -> Result<(), String> {
    if addr.ip().is_loopback() || token.is_some() {
        return Ok(());
    }
    Err(format!(
        "{addr} is not a loopback address: anyone who reaches it could record decisions. Give --token or --token-file, or listen on 127.0.0.1"
    ))
}

fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn query_token(uri: &axum::http::Uri) -> Option<String> {
    uri.query()?.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == "token").then(|| v.to_string())
    })
}

/// Every request: the access token when the server has one, and the log
/// line.
pub async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let response = match &app.token {
        None => next.run(req).await,
        Some(token) => {
            let headers = req.headers();
            let bearer = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "));
            let by_cookie = cookie(headers, "recon_token");
            if bearer.is_some_and(|b| same(b, token)) || by_cookie.is_some_and(|c| same(c, token)) {
                next.run(req).await
            } else if query_token(req.uri()).is_some_and(|q| same(&q, token)) {
                // Opening the page once with the token sets the cookie; the
                // token leaves the address bar at once.
                (
                    StatusCode::SEE_OTHER,
                    [
                        (
                            header::SET_COOKIE,
                            format!("recon_token={token}; HttpOnly; SameSite=Strict; Path=/"),
                        ),
                        (header::LOCATION, path.clone()),
                    ],
                )
                    .into_response()
            } else {
                (
                    StatusCode::UNAUTHORIZED,
                    "this review page needs its access token (open it with ?token=…)",
                )
                    .into_response()
            }
        }
    };
    tracing::info!(
        target: "recon_review::access",
        %method,
        path,
        status = response.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

/// A POST may change records: it must come from this server's own page.
pub fn check_post(app: &App, headers: &HeaderMap, csrf: &str) -> Result<(), Response> {
    let cross_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v != "same-origin" && v != "none");
    let foreign_origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .zip(headers.get(header::HOST).and_then(|v| v.to_str().ok()))
        .is_some_and(|(origin, host)| {
            origin
                .split_once("://")
                .map(|(_, rest)| rest)
                .is_none_or(|rest| rest != host)
        });
    if cross_site || foreign_origin || !same(csrf, &app.csrf) {
        return Err((
            StatusCode::FORBIDDEN,
            "refused: this request did not come from the review page (missing or wrong form token)",
        )
            .into_response());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_goes_without_a_token() {
        let lo: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let lo6: SocketAddr = "[::1]:8080".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert!(check_bind(&lo, None).is_ok());
        assert!(check_bind(&lo6, None).is_ok());
        assert!(check_bind(&any, None).unwrap_err().contains("--token"));
        assert!(check_bind(&any, Some("x")).is_ok());
    }

    #[test]
    fn token_files_must_be_private() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("token");
        fs::write(&p, "0123456789abcdef0123\n").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(read_token_file(&p).unwrap_err().contains("chmod 600"));
        fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(read_token_file(&p).unwrap(), "0123456789abcdef0123");
        fs::write(&p, "short\n").unwrap();
        assert!(read_token_file(&p).unwrap_err().contains("shorter"));
    }

    #[test]
    fn comparison_is_exact() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
        assert_eq!(random_hex(16).unwrap().len(), 32);
    }
}
