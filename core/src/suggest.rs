//! Did-you-mean suggestions.

/// The closest candidate to `input`: an exact match ignoring case and `_`/`-`/`.`, otherwise
/// the best Jaro-Winkler similarity above 0.8 (darling's threshold).
///
/// ```
/// use apify_webhooks_core::suggest::did_you_mean;
/// assert_eq!(did_you_mean("ACTOR.RUN.FAILD", &["ACTOR.RUN.FAILED", "ACTOR.RUN.ABORTED"]), Some("ACTOR.RUN.FAILED"));
/// assert_eq!(did_you_mean("zzz", &["userId"]), None);
/// ```
pub fn did_you_mean<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| !matches!(c, '_' | '-' | '.'))
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let wanted = norm(input);
    if let Some(exact) = candidates.iter().find(|c| norm(c) == wanted) {
        return Some(exact);
    }
    candidates
        .iter()
        .map(|c| {
            (
                strsim::jaro_winkler(&input.to_lowercase(), &c.to_lowercase()),
                *c,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
