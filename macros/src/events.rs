//! Event types as written in the macro: `ACTOR.RUN.FAILED`, `"ACTOR.RUN.FAILED"`, or a group
//! name such as `ACTOR_RUN_TERMINAL`, which stands for its members.

use crate::input::split_commas;
use apify_webhooks_core::EventType;
use apify_webhooks_core::suggest::did_you_mean;
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::{Error, Lit};

/// One event type with the tokens it was written as (for spans).
pub struct EventItem {
    pub event: EventType,
    pub tokens: TokenStream,
}

/// Parses the value of `event_types`. Errors go to `errors`; the good items are returned.
pub fn parse(value: &[TokenTree], errors: &mut Vec<Error>) -> Option<Vec<EventItem>> {
    let group = match crate::fields::single(value) {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => g,
        _ => {
            let written: TokenStream = value.iter().cloned().collect();
            let shown = name_of(value).unwrap_or_else(|| "ACTOR.RUN.SUCCEEDED".to_owned());
            errors.push(Error::new_spanned(
                &written,
                format!("`event_types` takes a list in brackets, e.g. `[{shown}]`"),
            ));
            return None;
        }
    };
    let mut items = Vec::new();
    let parts = split_commas(group.stream());
    if parts.is_empty() {
        errors.push(Error::new(
            group.span(),
            "`event_types` is empty; give at least one, e.g. `[ACTOR.RUN.SUCCEEDED]`",
        ));
        return Some(items);
    }
    for part in parts {
        let tokens: TokenStream = part.iter().cloned().collect();
        match name_of(&part) {
            Some(name) => match resolve(&name) {
                Ok(events) => items.extend(events.iter().map(|&event| EventItem {
                    event,
                    tokens: tokens.clone(),
                })),
                Err(message) => errors.push(Error::new_spanned(&tokens, message)),
            },
            None => {
                // `EventType::ActorRunFailed`: point to the platform spelling.
                let variant = part.iter().rev().find_map(|t| match t {
                    TokenTree::Ident(i) => EventType::ALL.iter().find(|e| *i == format!("{e:?}")),
                    _ => None,
                });
                let message = match variant {
                    Some(e) => format!("write event types as the platform spells them: `{e}`"),
                    None => "expected an event type such as `ACTOR.RUN.SUCCEEDED` or `\"ACTOR.RUN.SUCCEEDED\"`".to_owned(),
                };
                errors.push(Error::new_spanned(&tokens, message))
            }
        }
    }
    Some(items)
}

/// The text an item stands for: a string literal's value, or a dotted path.
fn name_of(part: &[TokenTree]) -> Option<String> {
    if let Some(TokenTree::Literal(lit)) = crate::fields::single(part) {
        return match Lit::new(lit) {
            Lit::Str(s) => Some(s.value()),
            _ => None,
        };
    }
    let mut name = String::new();
    let mut want_ident = true;
    for tt in part {
        match tt {
            TokenTree::Ident(i) if want_ident => name.push_str(&i.to_string()),
            TokenTree::Punct(p) if !want_ident && p.as_char() == '.' => name.push('.'),
            TokenTree::Punct(p) if !want_ident && p.as_char() == '-' => name.push('-'),
            _ => return None,
        }
        want_ident = !want_ident;
    }
    (!name.is_empty() && !want_ident).then_some(name)
}

/// An event type or a group.
fn resolve(name: &str) -> Result<&'static [EventType], String> {
    if let Some(e) = EventType::ALL.iter().find(|e| e.as_str() == name) {
        return Ok(std::slice::from_ref(e));
    }
    if let Some(members) = EventType::group(name) {
        return Ok(members);
    }
    let mut candidates: Vec<&str> = EventType::ALL.iter().map(|e| e.as_str()).collect();
    candidates.extend(EventType::GROUPS.iter().map(|(n, _)| *n));
    Err(match did_you_mean(name, &candidates) {
        Some(s) => format!("unknown event type `{name}`; did you mean `{s}`?"),
        None => format!(
            "unknown event type `{name}`; ad-hoc webhooks take the ACTOR.RUN.* events \
             (CREATED, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, RESURRECTED) or the groups \
             ACTOR_RUN and ACTOR_RUN_TERMINAL"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn events(t: TokenStream) -> (Vec<EventType>, Vec<String>) {
        let mut errors = Vec::new();
        let value: Vec<TokenTree> = t.into_iter().collect();
        let items = parse(&value, &mut errors).unwrap_or_default();
        (
            items.into_iter().map(|i| i.event).collect(),
            errors.iter().map(|e| e.to_string()).collect(),
        )
    }

    #[test]
    fn paths_strings_and_groups() {
        let (ev, errs) = events(quote!([
            ACTOR.RUN.FAILED,
            "ACTOR.RUN.TIMED_OUT",
            ACTOR_RUN_TERMINAL
        ]));
        assert!(errs.is_empty());
        assert_eq!(ev.len(), 6);
        assert_eq!(ev[0], EventType::ActorRunFailed);
    }

    #[test]
    fn typos_get_suggestions() {
        let (_, errs) = events(quote!([
            ACTOR.RUN.FAILD,
            ACTOR_RUN_FAILED,
            ACTOR.RUN.TIMED - OUT
        ]));
        assert_eq!(
            errs[0],
            "unknown event type `ACTOR.RUN.FAILD`; did you mean `ACTOR.RUN.FAILED`?"
        );
        assert_eq!(
            errs[1],
            "unknown event type `ACTOR_RUN_FAILED`; did you mean `ACTOR.RUN.FAILED`?"
        );
        assert_eq!(
            errs[2],
            "unknown event type `ACTOR.RUN.TIMED-OUT`; did you mean `ACTOR.RUN.TIMED_OUT`?"
        );
    }

    #[test]
    fn shape_errors() {
        assert_eq!(
            events(quote!(ACTOR.RUN.FAILED)).1[0],
            "`event_types` takes a list in brackets, e.g. `[ACTOR.RUN.FAILED]`"
        );
        assert!(events(quote!([])).1[0].starts_with("`event_types` is empty"));
        assert!(events(quote!([1])).1[0].starts_with("expected an event type"));
    }
}
