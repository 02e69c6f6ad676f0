//! Deliberate bugs, so the loom models can prove they bite (`ci/loom-mutants.sh`).
//!
//! A mutation point in the runtime reads `if crate::loom::mutant("name") { <the bug> }` (or
//! `crate::loom::weaken("name", AcqRel)` for a weakened ordering). In normal
//! builds `mutant` is a `const false` that the compiler removes with the branch; in
//! `--cfg corio_loom` builds it is true when the environment variable `CORIO_LOOM_MUTANT` names
//! that point, so one build of the models runs every mutant. The list of mutants and the model that
//! must catch each lives in `ci/loom-mutants.sh`.

use std::sync::atomic::Ordering;

/// Never: normal builds carry no mutant.
#[cfg(not(corio_loom))]
#[inline(always)]
pub(crate) const fn mutant(_name: &str) -> bool {
    false
}

/// `order`: normal builds carry no mutant.
#[cfg(not(corio_loom))]
#[inline(always)]
pub(crate) const fn weaken(_name: &str, order: Ordering) -> Ordering {
    order
}

/// `Relaxed` if `CORIO_LOOM_MUTANT` selects the mutation point `name`, else `order`.
#[cfg(corio_loom)]
pub(crate) fn weaken(name: &str, order: Ordering) -> Ordering {
    if mutant(name) {
        Ordering::Relaxed
    } else {
        order
    }
}

/// True if `CORIO_LOOM_MUTANT` selects the mutation point `name`.
#[cfg(corio_loom)]
pub(crate) fn mutant(name: &str) -> bool {
    // std's OnceLock, not loom's: the variable is read once per process, outside every model, and
    // reading it must add no interleaving.
    static SELECTED: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    SELECTED
        .get_or_init(|| std::env::var("CORIO_LOOM_MUTANT").ok())
        .as_deref()
        == Some(name)
}
