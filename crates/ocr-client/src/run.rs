//! `read_slips`: one run's slips, read once each. Saved JSON is parsed
//! offline; images are looked up in the OCR cache by SHA-256 and only then
//! sent to the provider (or the local reader), whose answers are stored
//! back so that a rerun pays nothing.
//!
//! Saved responses come one per file (`<name>.json`) or bundled, one body
//! per line of a `<bundle>.jsonl`, a slip being named `<bundle>.jsonl#<n>`
//! (1-based line). They need neither cache nor provider, so they are parsed
//! first, spread over every core (results keep the jobs' order), and keep no
//! `raw_response`: the saved file is the raw response, hashed in the run's
//! inputs, and a million copies of it would cost ~1 GB of memory.
//! A bundle is read once, front to back in line order whatever order the
//! jobs name its lines in, one block of lines at a time (see the crate doc
//! for what that saves).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use recon_core::{HealthReason, HealthStatus, Provider, ProviderHealth, Slip, SlipCache, SlipRead};
use sha2::{Digest, Sha256};
use tokio::task::JoinSet;
use tracing::{debug, info, warn};

use crate::config::{OcrConfig, ProviderChoice};
use crate::wire::image_format;
use crate::{
    ClovaClient, Credentials, EasySlipClient, NextOcrClient, OcrError, OcrSession, read_saved_body,
};

/// One slip file of the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipJob {
    /// The name inside the day's `slips/` folder; every `Slip` and every
    /// `SlipRead` produced for this job carries it.
    pub file: String,
    pub path: PathBuf,
}

/// Reads every job, in the same order, one `SlipRead` each. Creates one
/// tokio runtime for the call (the CLI is sync). `progress(1)` is called
/// once per finished slip, from the calling thread.
///
/// A file that cannot be read, is larger than `max_image_bytes`, is not an
/// image, or that the provider says is no slip → `Unreadable`; quota
/// exhausted, credentials missing or refused, provider down after retries,
/// garbled answers → `Pending` (read on the next run).
pub fn read_slips(
    jobs: Vec<SlipJob>,
    config: &OcrConfig,
    cache: &dyn SlipCache,
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<SlipRead> {
    read_slips_with(jobs, config, cache, progress, &Credentials::Environment)
}

/// [`read_slips`] with credentials from `credentials` instead of the process
/// environment.
pub fn read_slips_with(
    jobs: Vec<SlipJob>,
    config: &OcrConfig,
    cache: &dyn SlipCache,
    progress: &(dyn Fn(u64) + Sync),
    credentials: &Credentials,
) -> Vec<SlipRead> {
    read_slips_checked(
        jobs,
        config,
        cache,
        progress,
        credentials,
        &OcrSession::new(),
    )
    .0
}

/// [`read_slips_with`] as one batch of a run's `session` (a stop hit by an
/// earlier batch holds for this one), and how the reader fared: whether it
/// was stopped (quota, credentials, configuration, down), or left some
/// slips pending.
pub fn read_slips_checked(
    jobs: Vec<SlipJob>,
    config: &OcrConfig,
    cache: &dyn SlipCache,
    progress: &(dyn Fn(u64) + Sync),
    credentials: &Credentials,
    session: &OcrSession,
) -> (Vec<SlipRead>, ProviderHealth) {
    // A caller already inside a runtime cannot block on a second one on its
    // own thread: run ours on a scoped thread instead of panicking.
    if tokio::runtime::Handle::try_current().is_ok() {
        let files: Vec<String> = jobs.iter().map(|j| j.file.clone()).collect();
        let provider = provider_of(config.provider);
        return std::thread::scope(|s| {
            s.spawn(|| read_on_own_runtime(jobs, config, cache, progress, credentials, session))
                .join()
                .unwrap_or_else(|_| {
                    let reason = "the slip reader thread failed".to_string();
                    all_pending(files, provider, reason)
                })
        });
    }
    read_on_own_runtime(jobs, config, cache, progress, credentials, session)
}

/// Every slip pending for one reason that stops the reader.
fn all_pending(
    files: Vec<String>,
    provider: Provider,
    reason: String,
) -> (Vec<SlipRead>, ProviderHealth) {
    let health = ProviderHealth {
        provider,
        status: HealthStatus::Stopped,
        reason: Some(HealthReason::ReaderFailed),
        message: Some(reason.clone()),
        pending_slips: files.len() as u64,
    };
    let reads = files
        .into_iter()
        .map(|file| SlipRead::Pending {
            file,
            reason: reason.clone(),
        })
        .collect();
    (reads, health)
}

fn read_on_own_runtime(
    jobs: Vec<SlipJob>,
    config: &OcrConfig,
    cache: &dyn SlipCache,
    progress: &(dyn Fn(u64) + Sync),
    credentials: &Credentials,
    session: &OcrSession,
) -> (Vec<SlipRead>, ProviderHealth) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("recon-ocr")
        .enable_all()
        .build();
    match runtime {
        Ok(rt) => rt.block_on(read_all(
            jobs,
            config,
            cache,
            progress,
            credentials,
            session,
        )),
        Err(e) => {
            progress(jobs.len() as u64);
            let files = jobs.into_iter().map(|j| j.file).collect();
            all_pending(
                files,
                provider_of(config.provider),
                format!("cannot start the async runtime: {e}"),
            )
        }
    }
}

/// What the run learned about its reader while reading: the first error
/// that stopped it, the first that only left a slip pending, and how many
/// images it answered either way.
#[derive(Default)]
struct Watch {
    stop: Option<(HealthReason, String)>,
    transient: Option<(HealthReason, String)>,
    answered: u64,
}

impl Watch {
    fn saw(&mut self, e: &OcrError) {
        if e.is_final_for_slip() {
            self.answered += 1;
            return;
        }
        // A slip not sent because of an earlier stop: the stop's cause,
        // whatever it was (a run that gave up on a provider that is down
        // is stopped too).
        let (e, stopped) = match e {
            OcrError::NotCalled { cause, .. } => (cause.as_ref(), true),
            e => (e, false),
        };
        let reason = match e {
            OcrError::QuotaExceeded { .. } => HealthReason::QuotaExceeded,
            OcrError::Unauthorized { .. } => HealthReason::CredentialsRefused,
            OcrError::Config { .. } => HealthReason::NotConfigured,
            OcrError::Local { .. } => HealthReason::ReaderFailed,
            OcrError::Malformed { .. } | OcrError::Provider { .. } => HealthReason::Malformed,
            _ => HealthReason::ProviderDown,
        };
        let slot = if stopped || reason.stops() {
            &mut self.stop
        } else {
            &mut self.transient
        };
        slot.get_or_insert_with(|| (reason, e.to_string()));
    }

    /// The verdict once every slip has its read: stopped when something
    /// stopped the reader or nothing it was asked got an answer; degraded
    /// when only some were left pending.
    fn health(self, provider: Provider, pending: u64) -> ProviderHealth {
        let mut health = ProviderHealth::ok(provider);
        if pending == 0 {
            return health;
        }
        let stopped = self.stop.is_some() || self.answered == 0;
        let (reason, message) = self
            .stop
            .or(self.transient)
            .unwrap_or((HealthReason::ProviderDown, "slips left pending".into()));
        health.status = if stopped {
            HealthStatus::Stopped
        } else {
            HealthStatus::Degraded
        };
        health.reason = Some(reason);
        health.message = Some(message);
        health.pending_slips = pending;
        health
    }
}

/// Who reads images this run.
#[derive(Clone)]
enum Reader {
    Local,
    EasySlip(Arc<EasySlipClient>),
    NextOcr(Arc<NextOcrClient>),
    Clova(Arc<ClovaClient>),
}

impl Reader {
    fn from_config(
        config: &OcrConfig,
        credentials: &Credentials,
        session: &OcrSession,
    ) -> Result<Reader, OcrError> {
        Ok(match config.provider {
            ProviderChoice::Local => Reader::Local,
            ProviderChoice::Easyslip => Reader::EasySlip(Arc::new(
                EasySlipClient::with_credentials(&config.easyslip, credentials)?
                    .in_session(session),
            )),
            ProviderChoice::Nextocr => Reader::NextOcr(Arc::new(
                NextOcrClient::with_credentials(&config.nextocr, credentials)?.in_session(session),
            )),
            ProviderChoice::Clova => Reader::Clova(Arc::new(
                ClovaClient::with_credentials(&config.clova, credentials)?.in_session(session),
            )),
        })
    }

    async fn read(&self, bytes: Vec<u8>, file: &str) -> Result<Slip, OcrError> {
        match self {
            Reader::Local => tokio::task::spawn_blocking(move || read_local(&bytes))
                .await
                .unwrap_or_else(|e| Err(local_failure(format!("the local reader stopped: {e}")))),
            Reader::EasySlip(c) => c.read_image(&bytes, file).await,
            Reader::NextOcr(c) => c.read_image(&bytes, file).await,
            Reader::Clova(c) => c.read_image(&bytes, file).await,
        }
    }
}

pub(crate) fn provider_of(choice: ProviderChoice) -> Provider {
    match choice {
        ProviderChoice::Local => Provider::Local,
        ProviderChoice::Easyslip => Provider::Easyslip,
        ProviderChoice::Nextocr => Provider::Nextocr,
        ProviderChoice::Clova => Provider::Clova,
    }
}

fn local_failure(reason: String) -> OcrError {
    OcrError::Local {
        reason,
        slip_problem: false,
    }
}

/// The local QR + tesseract reader. A bad image or a slip without an amount
/// is final; an engine failure leaves the slip pending for the next run.
fn read_local(bytes: &[u8]) -> Result<Slip, OcrError> {
    use crate::local::LocalError;
    crate::local::read_image(bytes).map_err(|e| {
        let slip_problem = matches!(
            e,
            LocalError::Image(_) | LocalError::TooLarge { .. } | LocalError::NoAmount { .. }
        );
        OcrError::Local {
            reason: e.to_string(),
            slip_problem,
        }
    })
}

/// What became of a job before any provider call.
enum Prepared {
    Done(Box<SlipRead>),
    Call { bytes: Vec<u8>, sha256: String },
}

fn prepare(
    job: &SlipJob,
    config: &OcrConfig,
    cache: &dyn SlipCache,
    provider: Provider,
) -> Prepared {
    let unreadable = |reason: String| {
        Prepared::Done(Box::new(SlipRead::Unreadable {
            file: job.file.clone(),
            reason,
        }))
    };
    let is_json = job
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if !is_json {
        // Refuse big files before reading them into memory.
        match std::fs::metadata(&job.path) {
            Ok(m) if m.len() > config.max_image_bytes => {
                return unreadable(format!(
                    "image is {} bytes, more than the {} bytes providers accept",
                    m.len(),
                    config.max_image_bytes
                ));
            }
            Ok(_) => {}
            Err(e) => return unreadable(format!("cannot read the file: {e}")),
        }
    }
    let bytes = match std::fs::read(&job.path) {
        Ok(b) => b,
        Err(e) => return unreadable(format!("cannot read the file: {e}")),
    };
    if is_json {
        let clova_currency = config.clova.currency;
        return Prepared::Done(Box::new(match read_saved_body(&bytes, clova_currency) {
            Ok(slip) => finish(slip, job.file.clone()),
            Err(e) => SlipRead::Unreadable {
                file: job.file.clone(),
                reason: e.to_string(),
            },
        }));
    }
    if bytes.len() as u64 > config.max_image_bytes {
        return unreadable(format!(
            "image is {} bytes, more than the {} bytes providers accept",
            bytes.len(),
            config.max_image_bytes
        ));
    }
    if image_format(&bytes).is_none() {
        return unreadable("not a JPEG, PNG, GIF or WebP image".into());
    }
    let sha256 = hex::encode(Sha256::digest(&bytes));
    if let Some(slip) = cache.cached(&sha256, provider) {
        debug!(file = %job.file, %provider, "slip from the OCR cache");
        return Prepared::Done(Box::new(finish(slip, job.file.clone())));
    }
    if !config.reread_refused
        && let Some(reason) = cache.refused(&sha256, provider)
    {
        debug!(file = %job.file, %provider, "the provider's earlier 'not a slip' answer, from the OCR cache");
        return unreadable(reason);
    }
    Prepared::Call { bytes, sha256 }
}

/// The read as the matcher sees it: a slip without an amount proves nothing.
fn finish(mut slip: Slip, file: String) -> SlipRead {
    if slip.amount.is_none() {
        return SlipRead::Unreadable {
            file,
            reason: format!("{} read the slip but found no amount", slip.provider),
        };
    }
    slip.file = Some(file);
    SlipRead::Read(slip)
}

fn failed(e: &OcrError, file: &str) -> SlipRead {
    if e.is_final_for_slip() {
        SlipRead::Unreadable {
            file: file.to_string(),
            reason: e.to_string(),
        }
    } else {
        SlipRead::Pending {
            file: file.to_string(),
            reason: e.to_string(),
        }
    }
}

/// How a job's file is saved, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Saved {
    /// `.json`: one saved response.
    File,
    /// `.jsonl`: a bundle, one saved response per line.
    Bundle,
    /// Anything else: an image for the reader.
    No,
}

fn saved_kind(job: &SlipJob) -> Saved {
    match job.path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("json") => Saved::File,
        Some(e) if e.eq_ignore_ascii_case("jsonl") => Saved::Bundle,
        _ => Saved::No,
    }
}

/// The slips of a bundle, as jobs name them: `<file>#<n>` for every line
/// that is not blank. For a bundle found in `slips/` that no order names.
pub fn bundle_slip_names(file: &str, path: &std::path::Path) -> std::io::Result<Vec<String>> {
    use std::io::BufRead;
    // Streamed line by line (newlines found with memchr inside std): a
    // bundle of 100,000 bodies is ~110 MB that need not be held, nor
    // faulted in, just to count its lines.
    let mut reader = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
    let mut names = Vec::new();
    let mut line = Vec::new();
    let mut n = 0usize;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        n += 1;
        if !line.iter().all(u8::is_ascii_whitespace) {
            names.push(
                BundleLine {
                    bundle: file,
                    line: n,
                }
                .name(),
            );
        }
    }
    Ok(names)
}

/// A bundle of saved responses, one per line: a `.jsonl` file in `slips/`.
pub fn is_bundle(name: &str) -> bool {
    name.len() > 6
        && name
            .get(name.len() - 6..)
            .is_some_and(|ext| ext.eq_ignore_ascii_case(".jsonl"))
}

/// A slip named as one line of a bundle: `slips-001.jsonl#17` is line 17
/// (1-based) of `slips-001.jsonl`. The one place that writes and reads
/// such names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundleLine<'a> {
    pub bundle: &'a str,
    pub line: usize,
}

impl<'a> BundleLine<'a> {
    /// `None` unless `name` is a bundle's name, `#` and a line number ≥ 1.
    pub fn parse(name: &'a str) -> Option<BundleLine<'a>> {
        let (bundle, n) = name.rsplit_once('#')?;
        let line = n.parse().ok().filter(|&n| n > 0)?;
        is_bundle(bundle).then_some(BundleLine { bundle, line })
    }

    /// The slip's name, `<bundle>#<line>`.
    pub fn name(&self) -> String {
        format!("{}#{}", self.bundle, self.line)
    }
}

/// Reads every saved response among `jobs` (index-aligned; images stay
/// `None`), across all cores. Each job's file name moves into its outcome
/// and its path is let go: a saved job is done with once read. Bundles are
/// read one at a time into one buffer, each once, whole.
fn read_saved(
    jobs: &mut [SlipJob],
    config: &OcrConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<Option<SlipRead>> {
    let clova = config.clova.currency;
    let mut reads: Vec<Option<SlipRead>> = Vec::new();
    reads.resize_with(jobs.len(), || None);
    let mut files = Vec::new();
    let mut bundles: std::collections::BTreeMap<PathBuf, Vec<usize>> =
        std::collections::BTreeMap::new();
    for (i, job) in jobs.iter().enumerate() {
        match saved_kind(job) {
            Saved::File => files.push(i),
            Saved::Bundle => match bundles.get_mut(job.path.as_path()) {
                Some(wanted) => wanted.push(i),
                None => {
                    bundles.insert(job.path.clone(), vec![i]);
                }
            },
            Saved::No => {}
        }
    }
    let parse = |bytes: &[u8], file: String| match read_saved_body(bytes, clova) {
        Ok(slip) => finish(slip, file),
        Err(e) => SlipRead::Unreadable {
            file,
            reason: e.to_string(),
        },
    };
    let unreadable = |file: String, reason: String| SlipRead::Unreadable { file, reason };
    // The job's name and path, taken out of it.
    let mut take = |i: usize| {
        let job = &mut jobs[i];
        (
            i,
            std::mem::take(&mut job.file),
            std::mem::take(&mut job.path),
        )
    };

    let mut single: Vec<_> = files.iter().map(|&i| take(i)).collect();
    in_blocks(
        &mut single,
        |(_, file, path)| {
            let file = std::mem::take(file);
            match std::fs::read(&*path) {
                Ok(bytes) => parse(&bytes, file),
                Err(e) => unreadable(file, format!("cannot read the file: {e}")),
            }
        },
        |(i, _, _), read| reads[*i] = Some(read),
        progress,
    );

    // One block of lines at a time, reused from bundle to bundle.
    let mut arena = Vec::new();
    for (path, wanted) in bundles {
        let mut wanted: Vec<BundleJob> = wanted
            .into_iter()
            .map(|i| {
                let (i, file, _) = take(i);
                let n = BundleLine::parse(&file).map(|b| b.line);
                BundleJob {
                    i,
                    file,
                    n,
                    at: None,
                }
            })
            .collect();
        // In line order, so that the bundle is read once, front to back,
        // whatever order the jobs name its lines in.
        wanted.sort_by_key(|j| j.n);
        let mut lines = match std::fs::File::open(&path) {
            Ok(f) => Segments::new(std::io::BufReader::with_capacity(1 << 20, f)),
            Err(e) => {
                progress(wanted.len() as u64);
                for job in wanted {
                    reads[job.i] = Some(unreadable(
                        job.file,
                        format!("cannot read the slip bundle: {e}"),
                    ));
                }
                continue;
            }
        };
        let mut failed: Option<String> = None;
        for block in wanted.chunks_mut(BLOCK) {
            if failed.is_none()
                && let Err(e) = lines.fill(block, &mut arena)
            {
                failed = Some(format!("cannot read the slip bundle: {e}"));
            }
            let arena = &arena;
            let failed = failed.as_deref();
            in_blocks(
                block,
                |job| {
                    let file = std::mem::take(&mut job.file);
                    if let Some(reason) = failed {
                        return unreadable(file, reason.to_string());
                    }
                    let Some(n) = job.n else {
                        return unreadable(
                            file,
                            "a slip in a bundle is named <bundle>.jsonl#<line>".into(),
                        );
                    };
                    match job.at.map(|(start, end)| &arena[start..end]) {
                        Some(line) if !line.iter().all(u8::is_ascii_whitespace) => {
                            parse(line, file)
                        }
                        Some(_) => {
                            unreadable(file, format!("line {n} of the slip bundle is empty"))
                        }
                        None => unreadable(file, format!("the slip bundle has no line {n}")),
                    }
                },
                |job, read| reads[job.i] = Some(read),
                progress,
            );
        }
    }
    reads
}

/// A job naming a line of a bundle.
struct BundleJob {
    /// Where its outcome goes.
    i: usize,
    file: String,
    /// The 1-based line it names; `None` when the name says none.
    n: Option<usize>,
    /// The line's bytes in the block arena, once read; `None` when the
    /// bundle has no such line.
    at: Option<(usize, usize)>,
}

/// A bundle read segment by segment, cut as `split(b'\n')` cuts it (a last,
/// empty segment after a final newline) and without a trailing `\r`: only
/// the lines of one block are held at a time, not the whole bundle.
struct Segments<R> {
    reader: R,
    /// Segments handed out so far: the next one is line `read + 1`.
    read: usize,
    /// The last segment has been handed out.
    done: bool,
    /// The last line handed out, for a job in the next block that names
    /// the same line again.
    last: Option<(usize, Vec<u8>)>,
}

impl<R: std::io::BufRead> Segments<R> {
    fn new(reader: R) -> Segments<R> {
        Segments {
            reader,
            read: 0,
            done: false,
            last: None,
        }
    }

    /// Appends the next segment to `buf`; false when there is none.
    fn next_into(&mut self, buf: &mut Vec<u8>) -> std::io::Result<bool> {
        if self.done {
            return Ok(false);
        }
        let start = buf.len();
        // read_until finds the newline with memchr.
        let k = self.reader.read_until(b'\n', buf)?;
        if k > 0 && buf.last() == Some(&b'\n') {
            buf.pop();
        } else {
            self.done = true;
        }
        if buf.len() > start && buf.last() == Some(&b'\r') {
            buf.pop();
        }
        self.read += 1;
        Ok(true)
    }

    /// Reads the lines `block` (sorted by line) names into `arena` and
    /// points each job at its own.
    fn fill(&mut self, block: &mut [BundleJob], arena: &mut Vec<u8>) -> std::io::Result<()> {
        arena.clear();
        let mut scratch = Vec::new();
        // The line read last in this block and where it is.
        let mut prev: Option<(usize, Option<(usize, usize)>)> = None;
        for job in block.iter_mut() {
            let Some(n) = job.n else { continue };
            if let Some((m, at)) = prev
                && m == n
            {
                job.at = at;
                continue;
            }
            if let Some((m, bytes)) = &self.last
                && *m == n
            {
                let start = arena.len();
                arena.extend_from_slice(bytes);
                job.at = Some((start, arena.len()));
                prev = Some((n, job.at));
                continue;
            }
            while self.read + 1 < n {
                scratch.clear();
                if !self.next_into(&mut scratch)? {
                    break;
                }
            }
            let start = arena.len();
            let found = self.read + 1 == n && self.next_into(arena)?;
            job.at = found.then_some((start, arena.len()));
            prev = Some((n, job.at));
        }
        self.last = match prev {
            Some((n, Some((start, end)))) => Some((n, arena[start..end].to_vec())),
            _ => None,
        };
        Ok(())
    }
}

/// How many slips are read between two hand-overs to the caller: enough
/// to keep both cores busy, few enough that the outcomes in flight stay a
/// few MB (whole-bundle result vectors cost as much in page faults as the
/// parsing itself).
const BLOCK: usize = 8192;

/// `read` over `items` on every core, block by block; `place` gets each
/// item with its outcome, in the items' order, and `progress` each block.
fn in_blocks<T: Send>(
    items: &mut [T],
    read: impl Fn(&mut T) -> SlipRead + Sync,
    mut place: impl FnMut(&T, SlipRead),
    progress: &(dyn Fn(u64) + Sync),
) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    // One buffer for every block's outcomes, reused.
    let mut out: Vec<Option<SlipRead>> = Vec::new();
    for block in items.chunks_mut(BLOCK) {
        out.clear();
        out.resize_with(block.len(), || None);
        if threads <= 1 || block.len() < 64 {
            for (item, slot) in block.iter_mut().zip(out.iter_mut()) {
                *slot = Some(read(item));
            }
        } else {
            let per = block.len().div_ceil(threads);
            let read = &read;
            std::thread::scope(|s| {
                for (part, slots) in block.chunks_mut(per).zip(out.chunks_mut(per)) {
                    s.spawn(move || {
                        for (item, slot) in part.iter_mut().zip(slots.iter_mut()) {
                            *slot = Some(read(item));
                        }
                    });
                }
            });
        }
        for (item, slot) in block.iter().zip(out.iter_mut()) {
            if let Some(r) = slot.take() {
                place(item, r);
            }
        }
        progress(block.len() as u64);
    }
}

/// What a reader task hands back: the image hash and the answer.
type Outcome = (String, Result<Slip, OcrError>);

/// The jobs of a run that wait for one provider answer: the same image
/// uploaded for two orders (a duplicate slip) is read, and paid, once.
#[derive(Default)]
struct InFlight {
    /// Image SHA-256 → the jobs (index, file name) that carry it.
    by_image: HashMap<String, Vec<(usize, String)>>,
    /// Reader task → the image it reads.
    tasks: HashMap<tokio::task::Id, String>,
}

async fn read_all(
    jobs: Vec<SlipJob>,
    config: &OcrConfig,
    cache: &dyn SlipCache,
    progress: &(dyn Fn(u64) + Sync),
    credentials: &Credentials,
    session: &OcrSession,
) -> (Vec<SlipRead>, ProviderHealth) {
    let provider = provider_of(config.provider);
    let mut watch = Watch::default();
    let reader = Reader::from_config(config, credentials, session);
    if let Err(e) = &reader {
        warn!(%provider, error = %e, "provider unavailable: slip images stay pending (cached reads still used)");
    }
    // Enough tasks to keep every permit busy, few enough that at most this
    // many images sit in memory.
    let max_tasks = match &reader {
        Ok(Reader::Local) => std::thread::available_parallelism().map_or(2, |n| n.get()),
        Ok(_) => {
            let limits = match config.provider {
                ProviderChoice::Easyslip => &config.easyslip.limits,
                ProviderChoice::Nextocr => &config.nextocr.limits,
                _ => &config.clova.limits,
            };
            limits.concurrency.max(1) * 2
        }
        Err(_) => 1,
    };

    let total = jobs.len();
    let mut jobs = jobs;
    let mut reads: Vec<Option<SlipRead>> = read_saved(&mut jobs, config, progress);
    let mut set: JoinSet<Outcome> = JoinSet::new();
    let mut waiting = InFlight::default();

    for (i, job) in jobs.into_iter().enumerate() {
        if reads[i].is_some() {
            continue;
        }
        match prepare(&job, config, cache, provider) {
            Prepared::Done(read) => {
                reads[i] = Some(*read);
                progress(1);
            }
            Prepared::Call { bytes, sha256 } => match &reader {
                Err(e) => {
                    watch.saw(e);
                    reads[i] = Some(failed(e, &job.file));
                    progress(1);
                }
                Ok(r) => {
                    if let Some(jobs) = waiting.by_image.get_mut(&sha256) {
                        jobs.push((i, job.file));
                        continue;
                    }
                    while set.len() >= max_tasks {
                        collect_one(
                            provider,
                            &mut set,
                            &mut waiting,
                            &mut reads,
                            cache,
                            progress,
                            &mut watch,
                        )
                        .await;
                    }
                    let r = r.clone();
                    let file = job.file.clone();
                    let sha = sha256.clone();
                    let handle = set.spawn(async move {
                        let result = r.read(bytes, &file).await;
                        (sha, result)
                    });
                    waiting.tasks.insert(handle.id(), sha256.clone());
                    waiting.by_image.insert(sha256, vec![(i, job.file)]);
                }
            },
        }
    }
    while !set.is_empty() {
        collect_one(
            provider,
            &mut set,
            &mut waiting,
            &mut reads,
            cache,
            progress,
            &mut watch,
        )
        .await;
    }

    let out: Vec<SlipRead> = reads
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| SlipRead::Pending {
                file: String::new(),
                reason: "not read".into(),
            })
        })
        .collect();
    let count = |f: fn(&SlipRead) -> bool| out.iter().filter(|r| f(r)).count();
    info!(
        %provider,
        slips = total,
        read = count(|r| matches!(r, SlipRead::Read(_))),
        unreadable = count(|r| matches!(r, SlipRead::Unreadable { .. })),
        pending = count(|r| matches!(r, SlipRead::Pending { .. })),
        "slips read"
    );
    let pending = count(|r| matches!(r, SlipRead::Pending { .. })) as u64;
    (out, watch.health(provider, pending))
}

async fn collect_one(
    provider: Provider,
    set: &mut JoinSet<Outcome>,
    waiting: &mut InFlight,
    reads: &mut [Option<SlipRead>],
    cache: &dyn SlipCache,
    progress: &(dyn Fn(u64) + Sync),
    watch: &mut Watch,
) {
    let Some(joined) = set.join_next_with_id().await else {
        return;
    };
    let (sha256, result) = match joined {
        Ok((id, (sha256, result))) => {
            waiting.tasks.remove(&id);
            (sha256, result)
        }
        Err(e) => {
            let Some(sha256) = waiting.tasks.remove(&e.id()) else {
                return;
            };
            warn!(%provider, "slip reader task failed");
            let reason = format!("reader task failed: {e}");
            (sha256, Err(OcrError::Config { provider, reason }))
        }
    };
    let jobs = waiting.by_image.remove(&sha256).unwrap_or_default();
    match result {
        Ok(mut slip) => {
            watch.answered += 1;
            slip.image_sha256 = Some(sha256.clone());
            cache.store(&sha256, &slip);
            for (i, file) in jobs {
                reads[i] = Some(finish(slip.clone(), file));
                progress(1);
            }
        }
        Err(e) => {
            watch.saw(&e);
            // A final answer about the image itself is kept like a read.
            if e.is_final_for_slip() && !matches!(e, OcrError::Local { .. }) {
                cache.store_refusal(&sha256, provider, &e.to_string());
            }
            for (i, file) in jobs {
                warn!(%provider, %file, error = %e, "slip not read");
                reads[i] = Some(failed(&e, &file));
                progress(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_is_stopped_by_a_refusal_or_by_no_answer_at_all_and_degraded_by_some() {
        let p = Provider::Easyslip;
        let down = OcrError::Timeout {
            provider: p,
            after: std::time::Duration::from_secs(1),
        };
        let quota = OcrError::QuotaExceeded {
            provider: p,
            status: 403,
            message: "Your API quota has been exceeded".into(),
        };
        let not_a_slip = OcrError::SlipNotFound {
            provider: p,
            status: 404,
            message: "not found".into(),
        };

        // Nothing pending: ok, whatever was seen.
        let mut w = Watch::default();
        w.saw(&down);
        assert_eq!(w.health(p, 0).status, HealthStatus::Ok);

        // A quota refusal stops it even after answers.
        let mut w = Watch {
            answered: 5,
            ..Watch::default()
        };
        w.saw(&down);
        w.saw(&quota);
        let h = w.health(p, 3);
        assert_eq!(
            (h.status, h.reason, h.pending_slips),
            (HealthStatus::Stopped, Some(HealthReason::QuotaExceeded), 3)
        );
        assert!(h.message.unwrap().contains("quota"));

        // Down for every slip: stopped; down for some: degraded.
        let mut w = Watch::default();
        w.saw(&down);
        let h = w.health(p, 2);
        assert_eq!(
            (h.status, h.reason),
            (HealthStatus::Stopped, Some(HealthReason::ProviderDown))
        );
        let mut w = Watch::default();
        w.saw(&not_a_slip); // an answer about the slip, not the provider
        w.saw(&down);
        let h = w.health(p, 1);
        assert_eq!(
            (h.status, h.reason),
            (HealthStatus::Degraded, Some(HealthReason::ProviderDown))
        );

        // Missing credentials stop it; a broken local reader too.
        let mut w = Watch::default();
        w.saw(&OcrError::Config {
            provider: p,
            reason: "EASYSLIP_API_KEY is not set".into(),
        });
        assert_eq!(w.health(p, 4).reason, Some(HealthReason::NotConfigured));
        let mut w = Watch {
            answered: 9,
            ..Watch::default()
        };
        w.saw(&local_failure("tesseract not found".into()));
        let h = w.health(Provider::Local, 1);
        assert_eq!(
            (h.status, h.reason),
            (HealthStatus::Degraded, Some(HealthReason::ReaderFailed))
        );
    }

    #[test]
    fn bundle_lines_are_written_and_read_by_one_type() {
        let b = BundleLine::parse("slips-001.jsonl#17").unwrap();
        assert_eq!((b.bundle, b.line), ("slips-001.jsonl", 17));
        assert_eq!(b.name(), "slips-001.jsonl#17");
        assert_eq!(BundleLine::parse("a.JSONL#1").map(|b| b.line), Some(1));
        for not in [
            "slips-001.jsonl",
            "a.jsonl#0",
            "a.jsonl#x",
            "a.json#3",
            "#3",
            "a.jsonl#-1",
        ] {
            assert_eq!(BundleLine::parse(not), None, "{not}");
        }
        assert!(is_bundle("x.jsonl") && !is_bundle(".jsonl") && !is_bundle("x.json"));
    }

    const SHAPES: [&[u8]; 9] = [
        b"",
        b"\n",
        b"a",
        b"a\n",
        b"a\nb",
        b"a\r\n\r\nb\r\n",
        b"\n\n x \n",
        b"{\"x\":1}\n  \n{\"y\":2}\r\n\n",
        b"\r",
    ];

    fn split_lines(bytes: &[u8]) -> Vec<&[u8]> {
        bytes
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .collect()
    }

    #[test]
    fn bundle_segments_are_split_lines_without_cr() {
        for bytes in SHAPES {
            let mut seg = Segments::new(bytes);
            let mut got = Vec::new();
            let mut buf = Vec::new();
            while seg.next_into(&mut buf).unwrap() {
                got.push(std::mem::take(&mut buf));
            }
            assert_eq!(
                got,
                split_lines(bytes),
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    /// Jobs in any order, naming a line twice (also across blocks), lines
    /// past the end and no line at all: each gets the line `split` gives.
    #[test]
    fn bundle_blocks_point_every_job_at_its_line() {
        let bytes = b"l1\r\nl2\n\nl4\nl5\nl6";
        let lines = split_lines(bytes);
        let names = [6, 2, 2, 9, 0, 1, 5, 5, 5, 4, 3, 7, 4];
        for block_len in [1, 2, 3, 5, 64] {
            let mut jobs: Vec<BundleJob> = names
                .iter()
                .enumerate()
                .map(|(i, &n)| BundleJob {
                    i,
                    file: String::new(),
                    n: (n > 0).then_some(n),
                    at: None,
                })
                .collect();
            jobs.sort_by_key(|j| j.n);
            let mut seg = Segments::new(&bytes[..]);
            let mut arena = Vec::new();
            for block in jobs.chunks_mut(block_len) {
                seg.fill(block, &mut arena).unwrap();
                for job in block.iter() {
                    let got = job.at.map(|(s, e)| arena[s..e].to_vec());
                    let want = job.n.and_then(|n| lines.get(n - 1)).map(|l| l.to_vec());
                    assert_eq!(
                        got, want,
                        "job {} line {:?} blocks of {block_len}",
                        job.i, job.n
                    );
                }
            }
        }
    }

    #[test]
    fn bundle_names_are_the_non_blank_lines() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("b.jsonl");
        for bytes in SHAPES {
            std::fs::write(&path, bytes).unwrap();
            let want: Vec<String> = bytes
                .split(|&b| b == b'\n')
                .enumerate()
                .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace))
                .map(|(k, _)| format!("b.jsonl#{}", k + 1))
                .collect();
            assert_eq!(bundle_slip_names("b.jsonl", &path).unwrap(), want);
        }
    }
}
