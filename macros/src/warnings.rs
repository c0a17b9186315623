//! Warnings on stable Rust: a hidden `#[deprecated]` constant, used with the offending
//! token's span, makes rustc print our note there. Each warning has a name; `allow: [name]`
//! in a definition silences it, and `#[allow(deprecated)]` on the item silences all.

use apify_webhooks_core::template::FindingKind;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote_spanned;

/// A warning's name (also its `allow` key) and its note.
pub struct Warning {
    pub name: &'static str,
    pub span: Span,
    pub note: String,
}

/// Every warning name, for `allow` checks.
pub const NAMES: [&str; 8] = [
    "created_with_others",
    "variable_in_string",
    "variable_in_key",
    "not_interpolated",
    "unknown_path",
    "falsy_as_null",
    "trailing_backslash",
    "fixed_idempotency_key",
];

/// The name of a template finding.
pub fn finding_name(kind: &FindingKind) -> &'static str {
    match kind {
        FindingKind::VariableInString { .. } => "variable_in_string",
        FindingKind::VariableInKey { .. } => "variable_in_key",
        FindingKind::NotInterpolated { .. } => "not_interpolated",
        FindingKind::UnknownPath { .. } => "unknown_path",
        FindingKind::FalsyAsNull { .. } => "falsy_as_null",
        FindingKind::TrailingBackslash => "trailing_backslash",
    }
}

impl Warning {
    /// `{ #[deprecated(note = ...)] const name: () = (); let _ = name; }`, spanned so rustc
    /// reports it on the user's token.
    pub fn to_tokens(&self) -> TokenStream {
        let ident = Ident::new(self.name, self.span);
        let note = format!(
            "{} (silence with `allow: [{}]` in this definition)",
            self.note, self.name
        );
        quote_spanned! {self.span=>
            {
                #[allow(non_upper_case_globals)]
                #[deprecated(note = #note)]
                const #ident: () = ();
                let _ = #ident;
            }
        }
    }
}
