//! Credentials for the channels: an SMTP password, a LINE channel access
//! token, a webhook signing secret. Each is read at send time from the
//! environment variable the rule names, or from a file only its owner can
//! read, and is then kept in a [`Secret`] whose formatting never shows it.

use std::fmt;
use std::path::Path;

use crate::NotifyError;

/// A credential value. Not `Serialize`, and `Debug`/`Display` print `***`, so
/// it cannot reach a log line or a [`crate::Delivery`] error by accident.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    /// The value, for the one place that needs it: a header, an HMAC key,
    /// the SMTP AUTH exchange.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The credential a rule points at: the file when one is named (it wins, as
/// for recon's OCR key files), else the environment variable.
pub(crate) fn load(
    channel: &'static str,
    what: &str,
    file: Option<&Path>,
    env: Option<&str>,
) -> Result<Secret, NotifyError> {
    match (file, env) {
        (Some(path), _) => from_file(channel, path),
        (None, Some(var)) => from_env(channel, var),
        (None, None) => Err(NotifyError::config(
            channel,
            format!("no {what}: set {what}_env (a variable name) or {what}_file"),
        )),
    }
}

/// A missing or empty variable is an error naming the variable, never a value.
fn from_env(channel: &'static str, var: &str) -> Result<Secret, NotifyError> {
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => Ok(Secret(v.trim().to_string())),
        Ok(_) => Err(NotifyError::config(
            channel,
            format!("environment variable {var} is empty"),
        )),
        Err(_) => Err(NotifyError::config(
            channel,
            format!("environment variable {var} is not set"),
        )),
    }
}

/// A secret in a file anyone on the machine can read is as good as published:
/// anything looser than mode 600 is refused, naming the file and the fix.
/// Surrounding white space (the newline an editor adds) is dropped.
pub(crate) fn from_file(channel: &'static str, path: &Path) -> Result<Secret, NotifyError> {
    use std::os::unix::fs::PermissionsExt;
    let bad = |reason: String| NotifyError::config(channel, reason);
    let meta =
        std::fs::metadata(path).map_err(|e| bad(format!("secret file {}: {e}", path.display())))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(bad(format!(
            "secret file {} has mode {mode:o}; it must be readable by its owner only (chmod 600 {})",
            path.display(),
            path.display()
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| bad(format!("secret file {}: {e}", path.display())))?;
    let value = text.trim();
    if value.is_empty() {
        return Err(bad(format!("secret file {} is empty", path.display())));
    }
    Ok(Secret(value.to_string()))
}

/// Blanks every known secret out of a text that came from elsewhere (a server
/// answer, a library's error) before it is logged or returned. The channels
/// never put a secret into their own messages; this is the second lock.
pub(crate) fn scrub(text: &str, secrets: &[&Secret]) -> String {
    let mut out = text.to_string();
    for s in secrets {
        if !s.0.is_empty() {
            out = out.replace(&s.0, "***");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn file_with_mode(dir: &Path, mode: u32) -> std::path::PathBuf {
        let p = dir.join(format!("token-{mode:o}"));
        std::fs::write(&p, "s3cr3t-token-value\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p
    }

    #[test]
    fn a_loose_token_file_is_refused_naming_the_fix_not_the_value() {
        let dir = tempfile::tempdir().unwrap();
        for mode in [0o644, 0o640, 0o604, 0o660] {
            let p = file_with_mode(dir.path(), mode);
            let err = from_file("line", &p).unwrap_err().to_string();
            assert!(err.contains(&format!("mode {mode:o}")), "{err}");
            assert!(err.contains("chmod 600"), "{err}");
            assert!(!err.contains("s3cr3t"), "{err}");
        }
    }

    #[test]
    fn an_owner_only_file_is_read_and_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        for mode in [0o600, 0o400] {
            let p = file_with_mode(dir.path(), mode);
            assert_eq!(
                from_file("line", &p).unwrap().expose(),
                "s3cr3t-token-value"
            );
        }
    }

    #[test]
    fn an_empty_file_or_missing_variable_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("empty");
        std::fs::write(&p, "  \n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(
            from_file("email", &p)
                .unwrap_err()
                .to_string()
                .contains("is empty")
        );
        let err = load("line", "token", None, Some("RECON_NOTIFY_SURELY_UNSET_VAR"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("RECON_NOTIFY_SURELY_UNSET_VAR is not set"),
            "{err}"
        );
        let err = load("line", "token", None, None).unwrap_err().to_string();
        assert!(err.contains("token_env"), "{err}");
    }

    #[test]
    fn formatting_never_shows_the_value_and_scrub_blanks_it() {
        let s = Secret("hunter2".into());
        assert_eq!(format!("{s} {s:?}"), "*** Secret(***)");
        assert_eq!(scrub("auth hunter2 refused", &[&s]), "auth *** refused");
    }
}
