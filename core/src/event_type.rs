//! The platform's webhook event types.

use std::fmt;
use std::str::FromStr;

/// One of the platform's 12 webhook event types (`WEBHOOK_EVENT_TYPES`).
///
/// ```
/// use apify_webhooks_core::EventType;
///
/// let e: EventType = "ACTOR.RUN.TIMED_OUT".parse().unwrap();
/// assert_eq!(e, EventType::ActorRunTimedOut);
/// assert!(e.is_ad_hoc_allowed());
/// assert_eq!(EventType::ACTOR_RUN_TERMINAL.len(), 4);
///
/// let err = "ACTOR.RUN.FAILD".parse::<EventType>().unwrap_err();
/// assert_eq!(err.to_string(), "unknown event type `ACTOR.RUN.FAILD`; did you mean `ACTOR.RUN.FAILED`?");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    /// `ACTOR.RUN.CREATED`
    ActorRunCreated,
    /// `ACTOR.RUN.SUCCEEDED`
    ActorRunSucceeded,
    /// `ACTOR.RUN.FAILED`
    ActorRunFailed,
    /// `ACTOR.RUN.TIMED_OUT` (the run status is spelled `TIMED-OUT`)
    ActorRunTimedOut,
    /// `ACTOR.RUN.ABORTED`
    ActorRunAborted,
    /// `ACTOR.RUN.RESURRECTED`
    ActorRunResurrected,
    /// `ACTOR.BUILD.CREATED`
    ActorBuildCreated,
    /// `ACTOR.BUILD.SUCCEEDED`
    ActorBuildSucceeded,
    /// `ACTOR.BUILD.FAILED`
    ActorBuildFailed,
    /// `ACTOR.BUILD.TIMED_OUT`
    ActorBuildTimedOut,
    /// `ACTOR.BUILD.ABORTED`
    ActorBuildAborted,
    /// `TEST`, used only by `POST /v2/webhooks/{id}/test`
    Test,
}

use EventType::*;

impl EventType {
    /// All 12, in the platform's order.
    pub const ALL: [EventType; 12] = [
        ActorRunCreated,
        ActorRunSucceeded,
        ActorRunFailed,
        ActorRunTimedOut,
        ActorRunAborted,
        ActorRunResurrected,
        ActorBuildCreated,
        ActorBuildSucceeded,
        ActorBuildFailed,
        ActorBuildTimedOut,
        ActorBuildAborted,
        Test,
    ];

    /// The group `ACTOR_RUN`: every run event.
    pub const ACTOR_RUN: &'static [EventType] = &[
        ActorRunCreated,
        ActorRunSucceeded,
        ActorRunFailed,
        ActorRunTimedOut,
        ActorRunAborted,
        ActorRunResurrected,
    ];

    /// The group `ACTOR_BUILD`: every build event.
    pub const ACTOR_BUILD: &'static [EventType] = &[
        ActorBuildCreated,
        ActorBuildSucceeded,
        ActorBuildFailed,
        ActorBuildTimedOut,
        ActorBuildAborted,
    ];

    /// The group `ACTOR_RUN_TERMINAL`: at most one of these happens to a run.
    pub const ACTOR_RUN_TERMINAL: &'static [EventType] = &[
        ActorRunSucceeded,
        ActorRunFailed,
        ActorRunTimedOut,
        ActorRunAborted,
    ];

    /// The group `ACTOR_BUILD_TERMINAL`.
    pub const ACTOR_BUILD_TERMINAL: &'static [EventType] = &[
        ActorBuildSucceeded,
        ActorBuildFailed,
        ActorBuildTimedOut,
        ActorBuildAborted,
    ];

    /// The platform's group names (`WEBHOOK_EVENT_TYPE_GROUPS`) and their members.
    pub const GROUPS: [(&'static str, &'static [EventType]); 4] = [
        ("ACTOR_RUN", Self::ACTOR_RUN),
        ("ACTOR_BUILD", Self::ACTOR_BUILD),
        ("ACTOR_RUN_TERMINAL", Self::ACTOR_RUN_TERMINAL),
        ("ACTOR_BUILD_TERMINAL", Self::ACTOR_BUILD_TERMINAL),
    ];

    /// The platform string, e.g. `ACTOR.RUN.SUCCEEDED`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ActorRunCreated => "ACTOR.RUN.CREATED",
            ActorRunSucceeded => "ACTOR.RUN.SUCCEEDED",
            ActorRunFailed => "ACTOR.RUN.FAILED",
            ActorRunTimedOut => "ACTOR.RUN.TIMED_OUT",
            ActorRunAborted => "ACTOR.RUN.ABORTED",
            ActorRunResurrected => "ACTOR.RUN.RESURRECTED",
            ActorBuildCreated => "ACTOR.BUILD.CREATED",
            ActorBuildSucceeded => "ACTOR.BUILD.SUCCEEDED",
            ActorBuildFailed => "ACTOR.BUILD.FAILED",
            ActorBuildTimedOut => "ACTOR.BUILD.TIMED_OUT",
            ActorBuildAborted => "ACTOR.BUILD.ABORTED",
            Test => "TEST",
        }
    }

    /// Whether this is an `ACTOR.RUN.*` event.
    pub const fn is_run_event(self) -> bool {
        matches!(
            self,
            ActorRunCreated
                | ActorRunSucceeded
                | ActorRunFailed
                | ActorRunTimedOut
                | ActorRunAborted
                | ActorRunResurrected
        )
    }

    /// Whether an ad-hoc webhook can use it. An ad-hoc webhook is tied to one run
    /// (`condition.actorRunId`), so only run events can ever fire it.
    pub const fn is_ad_hoc_allowed(self) -> bool {
        self.is_run_event()
    }

    /// The members of a group name such as `ACTOR_RUN_TERMINAL`.
    pub fn group(name: &str) -> Option<&'static [EventType]> {
        Self::GROUPS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, m)| *m)
    }

    /// Parses a platform string, with a did-you-mean suggestion on failure.
    pub fn parse(s: &str) -> Result<EventType, UnknownEventType> {
        Self::ALL
            .iter()
            .find(|e| e.as_str() == s)
            .copied()
            .ok_or_else(|| UnknownEventType::new(s))
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventType {
    type Err = UnknownEventType;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventType::parse(s)
    }
}

/// A string that is not one of the 12 event types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownEventType {
    /// What was given.
    pub input: String,
    /// The closest event type, if one is close.
    pub suggestion: Option<EventType>,
}

impl UnknownEventType {
    fn new(input: &str) -> Self {
        let names: Vec<&str> = EventType::ALL.iter().map(|e| e.as_str()).collect();
        let suggestion =
            crate::suggest::did_you_mean(input, &names).and_then(|s| EventType::parse(s).ok());
        UnknownEventType {
            input: input.to_owned(),
            suggestion,
        }
    }
}

impl fmt::Display for UnknownEventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown event type `{}`", self.input)?;
        match self.suggestion {
            Some(s) => write!(f, "; did you mean `{s}`?"),
            None => write!(
                f,
                "; expected one of the ACTOR.RUN.* event types, e.g. `ACTOR.RUN.SUCCEEDED`"
            ),
        }
    }
}

impl std::error::Error for UnknownEventType {}

#[cfg(feature = "serde")]
impl serde::Serialize for EventType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for EventType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        EventType::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_round_trips() {
        for e in EventType::ALL {
            assert_eq!(EventType::parse(e.as_str()), Ok(e));
        }
    }

    #[test]
    fn suggestions_cover_common_mistakes() {
        let s = |x: &str| EventType::parse(x).unwrap_err().suggestion;
        assert_eq!(s("ACTOR_RUN_FAILED"), Some(ActorRunFailed));
        assert_eq!(s("ACTOR.RUN.TIMED-OUT"), Some(ActorRunTimedOut));
        assert_eq!(s("actor.run.succeeded"), Some(ActorRunSucceeded));
        assert_eq!(s("ACTOR.RUN.SUCEEDED"), Some(ActorRunSucceeded));
        assert_eq!(s("SOMETHING"), None);
    }

    #[test]
    fn groups_match_the_platform() {
        assert_eq!(EventType::group("ACTOR_RUN").unwrap().len(), 6);
        assert_eq!(EventType::group("ACTOR_BUILD").unwrap().len(), 5);
        assert!(EventType::ACTOR_RUN.iter().all(|e| e.is_ad_hoc_allowed()));
        assert!(
            EventType::ACTOR_BUILD
                .iter()
                .all(|e| !e.is_ad_hoc_allowed())
        );
        assert!(!Test.is_ad_hoc_allowed());
    }
}
