//! The dependency is renamed to `hooks`, so `::apify_webhooks` does not exist in this crate.
//! This compiles only because the macro's output names everything through `$crate`.

/// A set declared through the renamed dependency.
pub const RENAMED: hooks::Webhooks = hooks::webhooks![{
    event_types: [ACTOR.RUN.FAILED],
    request_url: "https://example.com/renamed",
    payload_template: r#"{"id": {{resource.id}}}"#,
}];

#[cfg(test)]
mod tests {
    #[test]
    fn renamed_dependency_expands() {
        assert_eq!(super::RENAMED.len(), 1);
        assert_eq!(
            super::RENAMED.as_slice()[0].event_types,
            [hooks::EventType::ActorRunFailed]
        );
    }
}
