//! The fields a definition may have, and reading their values.

use apify_webhooks_core::check::Field;
use apify_webhooks_core::suggest::did_you_mean;
use proc_macro2::{Delimiter, Ident, Span, TokenTree};
use syn::{Error, Lit};

/// What a field name stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldName {
    /// A definition field.
    Field(Field),
    /// `allow: [...]`: warnings to silence for this definition.
    Allow,
}

impl FieldName {
    pub fn rust_name(self) -> &'static str {
        match self {
            FieldName::Field(f) => f.rust_name(),
            FieldName::Allow => "allow",
        }
    }
}

fn all_names() -> Vec<&'static str> {
    Field::ALL
        .iter()
        .map(|f| f.rust_name())
        .chain(["allow"])
        .collect()
}

/// Resolves a field name, with help for camelCase and typos. The error carries the field the
/// user probably meant, if any.
pub fn resolve(name: &Ident) -> Result<FieldName, (Error, Option<FieldName>)> {
    let text = name.to_string();
    if let Some(f) = Field::ALL.iter().find(|f| f.rust_name() == text) {
        return Ok(FieldName::Field(*f));
    }
    if text == "allow" {
        return Ok(FieldName::Allow);
    }
    if let Some(f) = Field::ALL.iter().find(|f| f.json_name() == text) {
        return Err((
            Error::new(
                name.span(),
                format!(
                    "unknown field `{text}`; the Rust name is `{}`",
                    f.rust_name()
                ),
            ),
            Some(FieldName::Field(*f)),
        ));
    }
    let names = all_names();
    let suggestion = did_you_mean(&text, &names);
    let message = match suggestion {
        Some(s) => format!("unknown field `{text}`; did you mean `{s}`?"),
        None => format!(
            "unknown field `{text}`; the fields are {}",
            names.join(", ")
        ),
    };
    let meant = suggestion
        .and_then(|s| Field::ALL.iter().find(|f| f.rust_name() == s))
        .map(|f| FieldName::Field(*f));
    Err((Error::new(name.span(), message), meant))
}

/// Looks through invisible groups (a `$x:expr` passed through `macro_rules!`).
pub fn single(tokens: &[TokenTree]) -> Option<TokenTree> {
    match tokens {
        [TokenTree::Group(g)] if g.delimiter() == Delimiter::None => {
            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
            single(&inner)
        }
        [tt] => Some(tt.clone()),
        _ => None,
    }
}

/// The span of a value for errors: its first token.
pub fn span_of(tokens: &[TokenTree]) -> Span {
    tokens.first().map_or_else(Span::call_site, TokenTree::span)
}

/// A string literal, normal or raw: its value and span.
pub fn string(name: FieldName, tokens: &[TokenTree]) -> Result<(String, Span), Error> {
    let field = name.rust_name();
    if let Some(TokenTree::Literal(lit)) = single(tokens) {
        let span = lit.span();
        return match Lit::new(lit) {
            Lit::Str(s) => Ok((s.value(), span)),
            _ => Err(Error::new(
                span,
                format!("`{field}` takes a string literal, e.g. `\"...\"` or `r#\"...\"#`"),
            )),
        };
    }
    if let Some(TokenTree::Ident(i)) = single(tokens) {
        if i == "true" || i == "false" {
            return Err(Error::new(
                i.span(),
                format!("`{field}` takes a string literal, not a boolean"),
            ));
        }
    }
    let message = match tokens {
        [TokenTree::Literal(_), next, ..] => {
            return Err(Error::new(
                next.span(),
                format!("`{field}` takes a single string literal; is a `,` missing before this?"),
            ));
        }
        [TokenTree::Ident(m), TokenTree::Punct(bang), ..] if bang.as_char() == '!' => format!(
            "`{field}` takes a string literal: macros such as `{m}!` are not expanded inside \
             `webhooks!`, so write the whole string"
        ),
        _ => format!(
            "`{field}` takes a string literal; for a value known only at run time, build a \
             `WebhookDefinition` instead of using `webhooks!`"
        ),
    };
    Err(Error::new(span_of(tokens), message))
}

/// `true` or `false`.
pub fn boolean(name: FieldName, tokens: &[TokenTree]) -> Result<bool, Error> {
    let field = name.rust_name();
    match single(tokens) {
        Some(TokenTree::Ident(i)) if i == "true" => Ok(true),
        Some(TokenTree::Ident(i)) if i == "false" => Ok(false),
        Some(TokenTree::Literal(lit)) => {
            let hint = match Lit::new(lit.clone()) {
                Lit::Str(s) if matches!(s.value().as_str(), "true" | "yes" | "1" | "on") => {
                    " (write `true` without quotes)"
                }
                Lit::Str(s) if matches!(s.value().as_str(), "false" | "no" | "0" | "off") => {
                    " (write `false` without quotes)"
                }
                Lit::Int(_) => " (numbers are not booleans)",
                _ => "",
            };
            Err(Error::new(
                lit.span(),
                format!("`{field}` takes `true` or `false`{hint}"),
            ))
        }
        _ => Err(Error::new(
            span_of(tokens),
            format!("`{field}` takes `true` or `false`"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn err_of(r: Result<FieldName, (Error, Option<FieldName>)>) -> String {
        r.unwrap_err().0.to_string()
    }

    #[test]
    fn field_names() {
        let id = |s: &str| Ident::new(s, Span::call_site());
        assert_eq!(
            resolve(&id("request_url")).unwrap(),
            FieldName::Field(Field::RequestUrl)
        );
        assert_eq!(
            err_of(resolve(&id("requestUrl"))),
            "unknown field `requestUrl`; the Rust name is `request_url`"
        );
        assert_eq!(
            err_of(resolve(&id("request_ur"))),
            "unknown field `request_ur`; did you mean `request_url`?"
        );
        assert!(
            err_of(resolve(&id("zzz")))
                .starts_with("unknown field `zzz`; the fields are event_types")
        );
    }

    #[test]
    fn values() {
        let toks = |t: proc_macro2::TokenStream| t.into_iter().collect::<Vec<_>>();
        let f = FieldName::Field(Field::DoNotRetry);
        assert!(boolean(f, &toks(quote!(true))).unwrap());
        assert_eq!(
            boolean(f, &toks(quote!("yes"))).unwrap_err().to_string(),
            "`do_not_retry` takes `true` or `false` (write `true` without quotes)"
        );
        let s = FieldName::Field(Field::PayloadTemplate);
        assert_eq!(
            string(s, &toks(quote!(r#"{"a": 1}"#))).unwrap().0,
            r#"{"a": 1}"#
        );
        assert!(string(s, &toks(quote!(some_var))).is_err());
    }
}
