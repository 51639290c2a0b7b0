//! The review page (`recon review`): a local web application where a
//! finance person works through a reconciled day's cases, the slip beside
//! the bank line and the order, and records decisions, the Excel
//! decisions file's second front end over the same engine.
//!
//! Owns: the pages (the queue of cases, one case with its evidence and
//! actions), serving a day's slip pictures under the input contract's
//! rules, turning a form into a decision ([`recon_engine::decide`] checks,
//! records and re-runs the day), and what keeps a page that changes money
//! records safe ([`security`]).
//!
//! Never does: matching, deciding what a decision may do (the engine's
//! rules), or writing reports (the re-run after a decision does).
//!
//! Plain HTML with a few lines of inline script for the keyboard; no
//! build step, nothing fetched from elsewhere.

// Handlers answer a refusal with the page that says why: their error is a
// whole response, on the cold path of one request.
#![allow(clippy::result_large_err)]

mod case_page;
pub mod page;
mod queue;
pub mod security;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use recon_core::{Day, ItemKind, Status};
use recon_engine::config::JobConfig;
use recon_engine::reconcile::RunPaths;
use recon_engine::view::DayView;
use recon_engine::{EngineError, Quiet};
use serde::Deserialize;

pub use case_page::Notice;

/// The server's settings.
#[derive(Debug, Clone)]
pub struct Options {
    pub bind: SocketAddr,
    /// Required for a non-loopback address.
    pub token: Option<String>,
    /// Who decides: recorded with every decision.
    pub user: String,
    /// The day `/` opens (default: the last day the ledger has).
    pub day: Option<Day>,
}

/// What every request shares.
pub struct App {
    config: JobConfig,
    paths: RunPaths,
    user: String,
    day: Option<Day>,
    pub(crate) token: Option<String>,
    pub(crate) csrf: String,
    /// Loaded days, with the run they were loaded from.
    views: Mutex<HashMap<Day, (i64, Arc<DayView>)>>,
    /// One decision at a time: each re-runs its day.
    deciding: tokio::sync::Mutex<()>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("{0}")]
    Refused(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl App {
    pub fn new(config: JobConfig, paths: RunPaths, options: &Options) -> Result<App, ReviewError> {
        security::check_bind(&options.bind, options.token.as_deref())
            .map_err(ReviewError::Refused)?;
        if options.user.trim().is_empty() {
            return Err(ReviewError::Refused("who decides? (--user NAME)".into()));
        }
        Ok(App {
            config,
            paths,
            user: options.user.clone(),
            day: options.day,
            token: options.token.clone(),
            csrf: security::random_hex(32)?,
            views: Mutex::new(HashMap::new()),
            deciding: tokio::sync::Mutex::new(()),
        })
    }

    /// The day as its last run left it, loaded again when a run since
    /// changed it.
    fn view(&self, day: Day) -> Result<Option<Arc<DayView>>, EngineError> {
        let ledger = recon_ledger::Ledger::open(&self.paths.ledger)?;
        let Some(run) = ledger.last_run(day)? else {
            return Ok(None);
        };
        drop(ledger);
        if let Some((id, v)) = self.views.lock().expect("views lock").get(&day)
            && *id == run.id.0
        {
            return Ok(Some(v.clone()));
        }
        let Some(view) = DayView::load(&self.config, &self.paths, day)? else {
            return Ok(None);
        };
        let view = Arc::new(view);
        self.views
            .lock()
            .expect("views lock")
            .insert(day, (run.id.0, view.clone()));
        Ok(Some(view))
    }

    fn days(&self) -> Result<Vec<Day>, EngineError> {
        let ledger = recon_ledger::Ledger::open(&self.paths.ledger)?;
        Ok(ledger
            .recorded_days()?
            .into_iter()
            .map(|(d, _)| d)
            .collect())
    }
}

/// The routes, for [`serve`] and for tests.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(root))
        .route("/day/{day}", get(queue_page))
        .route("/day/{day}/case", get(case))
        .route("/day/{day}/slip", get(slip))
        .route("/day/{day}/decide", post(decide))
        .layer(axum::middleware::from_fn(headers))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            security::guard,
        ))
        .with_state(app)
}

/// Serves until the process is stopped.
pub async fn serve(listener: tokio::net::TcpListener, app: Arc<App>) -> std::io::Result<()> {
    axum::serve(listener, router(app)).await
}

/// Listens on `options.bind` and serves (the command's entry point).
pub fn run(config: JobConfig, paths: RunPaths, options: Options) -> Result<(), ReviewError> {
    let app = Arc::new(App::new(config, paths, &options)?);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(options.bind)
            .await
            .map_err(|source| ReviewError::Listen {
                addr: options.bind,
                source,
            })?;
        let addr = listener.local_addr()?;
        let open = match &options.token {
            Some(_) => format!("http://{addr}/?token=…"),
            None => format!("http://{addr}/"),
        };
        println!("review page: {open} (Ctrl-C stops it)");
        serve(listener, app).await?;
        Ok(())
    })
}

/// Headers of every answer: no framing, no referrer to other sites (the
/// same origin keeps its `Origin` header, which the POST check reads),
/// nothing loaded from
/// elsewhere.
async fn headers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

fn problem(app: &App, status: StatusCode, day: Option<&str>, message: &str) -> Response {
    let body = format!(
        "<div class=\"error\" id=\"error\">{}</div>",
        page::esc(message)
    );
    html(status, page::page("Recon review", day, &app.user, &body))
}

fn parse_day(app: &App, text: &str) -> Result<Day, Response> {
    text.parse::<Day>()
        .map_err(|e| problem(app, StatusCode::BAD_REQUEST, None, &e.to_string()))
}

/// Loads a day on a blocking thread (SQLite and file reads).
async fn load(app: &Arc<App>, day: Day) -> Result<Arc<DayView>, Response> {
    let a = app.clone();
    let loaded = tokio::task::spawn_blocking(move || a.view(day))
        .await
        .map_err(|e| problem(app, StatusCode::INTERNAL_SERVER_ERROR, None, &e.to_string()))?;
    match loaded {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(problem(
            app,
            StatusCode::NOT_FOUND,
            None,
            &format!("{day} has not been reconciled yet: run `recon reconcile --day {day}` first"),
        )),
        Err(e) => Err(problem(
            app,
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            &e.to_string(),
        )),
    }
}

/// The day a path names, loaded.
async fn day_view(app: &Arc<App>, text: &str) -> Result<(Day, Arc<DayView>), Response> {
    let day = parse_day(app, text)?;
    Ok((day, load(app, day).await?))
}

async fn root(State(app): State<Arc<App>>) -> Response {
    let day = match app.day {
        Some(d) => Some(d),
        None => {
            let a = app.clone();
            match tokio::task::spawn_blocking(move || a.days()).await {
                Ok(Ok(days)) => days.into_iter().max(),
                _ => None,
            }
        }
    };
    match day {
        Some(d) => Redirect::to(&format!("/day/{d}")).into_response(),
        None => problem(
            &app,
            StatusCode::NOT_FOUND,
            None,
            "the ledger has no reconciled day yet: run `recon reconcile --day D` first",
        ),
    }
}

async fn queue_page(
    State(app): State<Arc<App>>,
    Path(day): Path<String>,
    Query(filters): Query<queue::Filters>,
) -> Response {
    let (day, view) = match day_view(&app, &day).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let a = app.clone();
    let days: Vec<String> = tokio::task::spawn_blocking(move || a.days())
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default()
        .into_iter()
        .map(|d| d.to_string())
        .collect();
    let cases = recon_core::cases(&view.result);
    let body = queue::render(&view, &cases, &filters, &days);
    let d = day.to_string();
    html(
        StatusCode::OK,
        page::page(&format!("Cases of {d}"), Some(&d), &app.user, &body),
    )
}

#[derive(Debug, Deserialize)]
struct CaseQuery {
    kind: String,
    id: String,
    #[serde(default)]
    done: Option<String>,
}

fn kind_of(word: &str) -> Option<ItemKind> {
    ItemKind::ALL.into_iter().find(|k| k.as_str() == word)
}

fn case_response(
    app: &App,
    view: &DayView,
    kind: ItemKind,
    id: &str,
    notice: &Notice,
    status: StatusCode,
) -> Response {
    let day = view.day.to_string();
    let cases = recon_core::cases(&view.result);
    // The case anchored on the item, or the one the item is part of now
    // (a line linked to an order belongs to the order's case).
    let at = cases
        .iter()
        .position(|c| c.anchor.kind == kind && c.anchor.id == id)
        .or_else(|| {
            cases.iter().position(|c| match kind {
                ItemKind::StatementLine => c.lines.iter().any(|l| l.line.to_string() == id),
                ItemKind::Slip => c.slips.iter().any(|s| s.file == id),
                ItemKind::Order => false,
            })
        });
    let Some(at) = at else {
        return problem(
            app,
            StatusCode::NOT_FOUND,
            Some(&day),
            &format!("no {} {id} on {day}", kind.as_str()),
        );
    };
    let case = &cases[at];
    let next = cases[at + 1..].iter().find(|c| c.is_open());
    let body = case_page::render(view, case, next, notice, &app.csrf);
    html(
        status,
        page::page(
            &format!("{} {}", case.anchor.id, day),
            Some(&day),
            &app.user,
            &body,
        ),
    )
}

async fn case(
    State(app): State<Arc<App>>,
    Path(day): Path<String>,
    Query(q): Query<CaseQuery>,
) -> Response {
    let day = match parse_day(&app, &day) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let Some(kind) = kind_of(&q.kind) else {
        return problem(&app, StatusCode::BAD_REQUEST, None, "unknown kind of case");
    };
    let view = match load(&app, day).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let notice = Notice {
        done: q.done,
        error: None,
    };
    case_response(&app, &view, kind, &q.id, &notice, StatusCode::OK)
}

#[derive(Debug, Deserialize)]
struct SlipQuery {
    name: String,
}

/// A slip picture the day's result names, from its day's `slips/` folder
/// only.
async fn slip(
    State(app): State<Arc<App>>,
    Path(day): Path<String>,
    Query(q): Query<SlipQuery>,
) -> Response {
    let (day, view) = match day_view(&app, &day).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let refused = |why: String| (StatusCode::NOT_FOUND, why).into_response();
    if !view.result.slips.iter().any(|s| s.file == q.name) {
        return refused(format!("{day} names no slip {:?}", q.name));
    }
    let path = match recon_engine::view::slip_picture_path(&app.paths.data_dir, day, &q.name) {
        Ok(p) => p,
        Err(why) => return refused(why),
    };
    let lower = q.name.to_ascii_lowercase();
    let mime = if lower.ends_with(".png") {
        "image/png"
    } else if lower.ends_with(".webp") {
        "image/webp"
    } else if lower.ends_with(".gif") {
        "image/gif"
    } else {
        "image/jpeg"
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, mime)], bytes).into_response(),
        Err(_) => refused(format!("slip {:?} cannot be read", q.name)),
    }
}

#[derive(Debug, Deserialize)]
struct DecideForm {
    #[serde(default)]
    csrf: String,
    kind: String,
    id: String,
    #[serde(default)]
    with: Option<String>,
    #[serde(default)]
    amount: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    note: String,
    /// The status the page showed: a decision on a case that changed since
    /// is refused.
    #[serde(default)]
    seen: Option<String>,
}

async fn decide(
    State(app): State<Arc<App>>,
    Path(day): Path<String>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<DecideForm>,
) -> Response {
    if let Err(r) = security::check_post(&app, &headers, &form.csrf) {
        return r;
    }
    let day = match parse_day(&app, &day) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let _one = app.deciding.lock().await;
    let a = app.clone();
    let kind_word = form.kind.clone();
    let id = form.id.clone();
    let done = tokio::task::spawn_blocking(move || {
        let kind: recon_core::DecisionKind = form.kind.parse().map_err(EngineError::Usage)?;
        let with: Vec<String> = form.with.into_iter().filter(|w| !w.is_empty()).collect();
        let amount = form.amount.filter(|a| !a.trim().is_empty());
        let reason = form.reason.filter(|r| !r.trim().is_empty());
        let mut request = recon_engine::decide::request_for(
            &a.paths,
            day,
            kind,
            &form.id,
            &with,
            amount.as_deref(),
            reason,
            form.note,
        )?;
        request.seen_status = form.seen.and_then(|s| s.parse::<Status>().ok());
        recon_engine::decide::decide(&a.config, &a.paths, day, &[request], &a.user, &Quiet)
    })
    .await;
    let outcome = match done {
        Ok(r) => r,
        Err(e) => Err(EngineError::Usage(format!("the decision failed: {e}"))),
    };
    let case_kind = {
        let a = app.clone();
        let id = id.clone();
        tokio::task::spawn_blocking(move || kind_of_id(&a, day, &id))
            .await
            .ok()
            .flatten()
            .unwrap_or(ItemKind::Order)
    };
    match outcome {
        Ok(_) => {
            let msg = format!(
                "Recorded: {kind_word} {id} by {}. The day was reconciled again.",
                app.user
            );
            Redirect::to(&format!(
                "/day/{day}/case?kind={}&id={}&done={}",
                case_kind.as_str(),
                page::url(&id),
                page::url(&msg)
            ))
            .into_response()
        }
        Err(e) => {
            let view = match load(&app, day).await {
                Ok(v) => v,
                Err(r) => return r,
            };
            let notice = Notice {
                done: None,
                error: Some(e.to_string()),
            };
            case_response(
                &app,
                &view,
                case_kind,
                &id,
                &notice,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

/// Which kind of item an id is on the day (orders first, as the command
/// line takes it).
fn kind_of_id(app: &App, day: Day, id: &str) -> Option<ItemKind> {
    let view = app.view(day).ok()??;
    let r = &view.result;
    if r.orders.iter().any(|o| o.order_id.0 == id) {
        Some(ItemKind::Order)
    } else if r.statement.iter().any(|l| l.line.to_string() == id) {
        Some(ItemKind::StatementLine)
    } else if r.slips.iter().any(|s| s.file == id) {
        Some(ItemKind::Slip)
    } else {
        None
    }
}
