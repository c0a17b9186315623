//! Reads the macro's tokens into definitions and fields, keeping every span.

use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use syn::Error;

/// `krate ; { field: value, ... }, { ... }`
pub struct Invocation {
    /// The runtime crate's path, as passed by the `macro_rules!` wrapper (`$crate`).
    pub krate: TokenStream,
    pub definitions: Vec<DefinitionInput>,
}

/// One `{ ... }` block.
pub struct DefinitionInput {
    pub span: Span,
    pub fields: Vec<FieldInput>,
    /// Field names written without a usable `: value` (already reported).
    pub broken: Vec<Ident>,
}

/// `name: value`
pub struct FieldInput {
    pub name: Ident,
    pub value: Vec<TokenTree>,
}

/// Splits `tokens` at top-level commas.
pub fn split_commas(tokens: TokenStream) -> Vec<Vec<TokenTree>> {
    let mut parts = vec![Vec::new()];
    for tt in tokens {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => parts.push(Vec::new()),
            _ => parts.last_mut().expect("never empty").push(tt),
        }
    }
    if parts.last().is_some_and(Vec::is_empty) {
        parts.pop();
    }
    parts
}

/// Parses the invocation; problems are added to `errors` and the rest is still returned.
pub fn parse(input: TokenStream, errors: &mut Vec<Error>) -> Invocation {
    let mut tokens = input.into_iter();
    let mut krate = TokenStream::new();
    for tt in tokens.by_ref() {
        if matches!(&tt, TokenTree::Punct(p) if p.as_char() == ';') {
            break;
        }
        krate.extend([tt]);
    }
    let rest: TokenStream = tokens.collect();
    let mut definitions = Vec::new();
    for part in split_commas(rest) {
        match part.as_slice() {
            [TokenTree::Group(g)] if g.delimiter() == Delimiter::Brace => {
                definitions.push(parse_definition(g, errors));
            }
            [first, ..] => errors.push(Error::new(
                first.span(),
                "expected a webhook definition in braces, e.g. \
                 `{ event_types: [ACTOR.RUN.SUCCEEDED], request_url: \"https://...\" }`",
            )),
            [] => errors.push(Error::new(
                Span::call_site(),
                "unexpected `,`: remove the extra comma",
            )),
        }
    }
    Invocation { krate, definitions }
}

fn parse_definition(group: &Group, errors: &mut Vec<Error>) -> DefinitionInput {
    let mut fields = Vec::new();
    let mut broken = Vec::new();
    let mut parts: std::collections::VecDeque<Vec<TokenTree>> = split_commas(group.stream()).into();
    while let Some(part) = parts.pop_front() {
        let mut it = part.into_iter();
        let Some(first) = it.next() else { continue };
        let TokenTree::Ident(name) = first else {
            errors.push(Error::new(
                first.span(),
                "expected a field name, e.g. `request_url: \"https://example.com/hook\"`",
            ));
            continue;
        };
        match it.next() {
            Some(TokenTree::Punct(p)) if p.as_char() == ':' => {
                let mut value: Vec<TokenTree> = it.collect();
                // `a: x b: y` is a missing comma: report it and read `b: y` as its own field.
                if let Some(k) = next_field(&value) {
                    errors.push(Error::new(
                        value[k].span(),
                        format!(
                            "expected `,` after the value of `{name}`, before `{}`",
                            value[k]
                        ),
                    ));
                    parts.push_front(value.split_off(k));
                }
                if value.is_empty() {
                    errors.push(Error::new(
                        p.span(),
                        format!("`{name}` needs a value after `:`"),
                    ));
                    broken.push(name);
                    continue;
                }
                fields.push(FieldInput { name, value });
            }
            Some(other) => {
                errors.push(Error::new(
                    other.span(),
                    format!("expected `:` after `{name}`, e.g. `{name}: ...`"),
                ));
                broken.push(name);
            }
            None => {
                errors.push(Error::new(
                    name.span(),
                    format!("`{name}` needs a value: `{name}: ...`"),
                ));
                broken.push(name);
            }
        }
    }
    DefinitionInput {
        span: group.span(),
        fields,
        broken,
    }
}

/// Where a value runs into the next `name:` (a missing comma), if it does.
fn next_field(value: &[TokenTree]) -> Option<usize> {
    (1..value.len().saturating_sub(1)).find(|&k| {
        let colon = matches!(&value[k + 1], TokenTree::Punct(p) if p.as_char() == ':' && p.spacing() == proc_macro2::Spacing::Alone);
        let after_path = matches!(&value[k - 1], TokenTree::Punct(p) if p.as_char() == ':');
        matches!(value[k], TokenTree::Ident(_)) && colon && !after_path
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn splits_definitions_and_fields() {
        let mut errors = Vec::new();
        let inv = parse(
            quote!(crate_path; { a: 1, b: [x, y], }, { c: "d" },),
            &mut errors,
        );
        assert!(errors.is_empty());
        assert_eq!(inv.krate.to_string(), "crate_path");
        assert_eq!(inv.definitions.len(), 2);
        let names: Vec<String> = inv.definitions[0]
            .fields
            .iter()
            .map(|f| f.name.to_string())
            .collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn a_missing_comma_is_reported_and_both_fields_are_kept() {
        let mut errors = Vec::new();
        let inv = parse(quote!(k; { a: [x] b: "y" }), &mut errors);
        assert_eq!(
            errors[0].to_string(),
            "expected `,` after the value of `a`, before `b`"
        );
        assert_eq!(inv.definitions[0].fields.len(), 2);
    }

    #[test]
    fn reports_malformed_fields_and_keeps_going() {
        let mut errors = Vec::new();
        let inv = parse(quote!(k; { a 1, b:, "x": 2, c: 3 }, foo), &mut errors);
        assert_eq!(errors.len(), 4);
        assert_eq!(inv.definitions[0].fields.len(), 1);
    }
}
