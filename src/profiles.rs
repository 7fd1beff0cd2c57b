//! ACME profiles (Let's Encrypt's extension, draft-aaron-acme-profiles):
//! the directory's `meta.profiles` maps names (`classic`, `tlsserver`,
//! `shortlived`) to descriptions, and newOrder may name one. A requested
//! profile is checked against the directory before any order is made.

use crate::acme::types::DirectoryMeta;
use crate::error::{Error, Result};

/// Accepts `wanted` only if the CA's directory offers it.
pub fn check_profile(meta: &DirectoryMeta, server: &str, wanted: &str) -> Result<()> {
    if meta.profiles.is_empty() {
        return Err(Error::Usage(format!(
            "--profile {wanted}: the CA at {server} offers no profiles (its directory lists none); drop --profile"
        )));
    }
    if meta.profiles.contains_key(wanted) {
        return Ok(());
    }
    let offered: Vec<String> = meta
        .profiles
        .iter()
        .map(|(name, description)| format!("{name} ({description})"))
        .collect();
    Err(Error::Usage(format!(
        "--profile {wanted}: the CA at {server} does not offer it; choose one of: {}",
        offered.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(profiles: &[(&str, &str)]) -> DirectoryMeta {
        DirectoryMeta {
            profiles: profiles
                .iter()
                .map(|(n, d)| (n.to_string(), d.to_string()))
                .collect(),
            ..DirectoryMeta::default()
        }
    }

    #[test]
    fn offered_profiles_pass_unknown_ones_list_the_choices() {
        let m = meta(&[("classic", "90 days"), ("shortlived", "6 days")]);
        check_profile(&m, "https://ca.test/dir", "shortlived").unwrap();
        let err = check_profile(&m, "https://ca.test/dir", "tlsserver").unwrap_err();
        assert!(matches!(err, Error::Usage(_)));
        let text = err.to_string();
        assert!(text.contains("classic (90 days)"), "{text}");
        assert!(text.contains("shortlived (6 days)"), "{text}");
    }

    #[test]
    fn a_ca_without_profiles_says_so() {
        let err = check_profile(&meta(&[]), "https://ca.test/dir", "classic").unwrap_err();
        assert!(err.to_string().contains("offers no profiles"), "{err}");
    }
}
