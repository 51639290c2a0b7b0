//! `Secret`: a credential read from the environment or from a key file that
//! only its owner can read. It can be handed to an HTTP header and nowhere
//! else: `Debug` and `Display` print `***`.

use std::fmt;

use recon_core::Provider;

use crate::OcrError;

/// A credential value. Deliberately not `Serialize`, and its formatting never
/// shows the value, so it cannot reach a log line, an error or a report by
/// accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// Reads the environment variable named `var` (the name comes from the
    /// job config). A missing or empty variable is a config error naming the
    /// variable, never a value.
    pub fn from_env(var: &str, provider: Provider) -> Result<Secret, OcrError> {
        match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Ok(Secret(v.trim().to_string())),
            Ok(_) => Err(OcrError::Config {
                provider,
                reason: format!("environment variable {var} is empty"),
            }),
            Err(_) => Err(OcrError::Config {
                provider,
                reason: format!("environment variable {var} is not set"),
            }),
        }
    }

    /// Reads a key from a file that only its owner can read (mode 600 or
    /// stricter): a key in a file anyone on the machine can read is as good
    /// as published, so it is refused, naming the file and the fix, never
    /// the value. Surrounding white space is dropped.
    pub fn from_file(path: &std::path::Path, provider: Provider) -> Result<Secret, OcrError> {
        use std::os::unix::fs::PermissionsExt;
        let bad = |reason: String| OcrError::Config { provider, reason };
        let meta = std::fs::metadata(path)
            .map_err(|e| bad(format!("key file {}: {e}", path.display())))?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(bad(format!(
                "key file {} has mode {mode:o}; it must be readable by its owner only (chmod 600 {})",
                path.display(),
                path.display()
            )));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| bad(format!("key file {}: {e}", path.display())))?;
        let value = text.trim();
        if value.is_empty() {
            return Err(bad(format!("key file {} is empty", path.display())));
        }
        Ok(Secret(value.to_string()))
    }

    /// The value, for the one place that needs it: the request header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Where credentials are looked up by the variable names the config gives.
/// The CLI uses the process environment; tests and embedders can hand them
/// over directly (changing the process environment from threads is unsound).
#[derive(Debug, Clone, Default)]
pub enum Credentials {
    #[default]
    Environment,
    Given(std::collections::BTreeMap<String, Secret>),
}

impl Credentials {
    /// `Given` from `(variable name, value)` pairs.
    pub fn given<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Credentials {
        Credentials::Given(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), Secret::new(v)))
                .collect(),
        )
    }

    /// A provider's key as its config section says: from `file` (mode 600
    /// or stricter, see [`Secret::from_file`]) when one is set, else from
    /// the variable named `var`. Every provider's `api_key_file` goes
    /// through here.
    pub fn key(
        &self,
        file: Option<&std::path::Path>,
        var: &str,
        provider: Provider,
    ) -> Result<Secret, OcrError> {
        match file {
            Some(path) => Secret::from_file(path, provider),
            None => self.secret(var, provider),
        }
    }

    pub fn secret(&self, var: &str, provider: Provider) -> Result<Secret, OcrError> {
        match self {
            Credentials::Environment => Secret::from_env(var, provider),
            Credentials::Given(map) => map.get(var).cloned().ok_or_else(|| OcrError::Config {
                provider,
                reason: format!("credential {var} is not set"),
            }),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_never_shows_the_value() {
        let s = Secret::new("sk-live-0123456789");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{:#?}", Some(&s)), "Some(\n    Secret(***),\n)");
        assert_eq!(s.expose(), "sk-live-0123456789");
    }

    #[test]
    fn a_key_file_must_be_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("easyslip.key");
        std::fs::write(&path, "sk-file-0123456789\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = Secret::from_file(&path, Provider::Easyslip)
            .unwrap_err()
            .to_string();
        assert!(e.contains("mode 644") && e.contains("chmod 600"), "{e}");
        assert!(!e.contains("sk-file"), "{e}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let s = Secret::from_file(&path, Provider::Easyslip).unwrap();
        assert_eq!(s.expose(), "sk-file-0123456789");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
        assert!(Secret::from_file(&path, Provider::Easyslip).is_ok());
    }

    #[test]
    fn missing_variable_names_the_variable() {
        let e = Secret::from_env("RECON_TEST_SURELY_UNSET_VAR", Provider::Clova).unwrap_err();
        assert!(e.to_string().contains("RECON_TEST_SURELY_UNSET_VAR"));
    }
}
