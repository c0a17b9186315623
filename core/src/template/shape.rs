//! What the platform's variables hold, for findings: which dot paths exist on a run's
//! payload and which may be `0`, `false`, `""` or `null` (and so render as `null` outside a
//! string). From the Run schema (`GET /v2/actor-runs/{id}`) and the event data docs.

/// A known property.
pub(crate) struct Node {
    pub name: &'static str,
    /// May be `0`, `false` or `""`, which render as `null` outside a string. (A value that
    /// may be `null` is not flagged: it renders as `null` either way.)
    pub falsy: bool,
    /// Known children; `None` means free-form (no checks below).
    pub children: Option<&'static [Node]>,
}

const fn leaf(name: &'static str, falsy: bool) -> Node {
    Node {
        name,
        falsy,
        children: None,
    }
}

const fn object(name: &'static str, children: &'static [Node]) -> Node {
    Node {
        name,
        falsy: false,
        children: Some(children),
    }
}

const META: &[Node] = &[
    leaf("origin", false),
    leaf("clientIp", false),
    leaf("userAgent", false),
    leaf("scheduleId", false),
    leaf("scheduledAt", false),
];

const STATS: &[Node] = &[
    leaf("inputBodyLen", true),
    leaf("migrationCount", true),
    leaf("rebootCount", true),
    leaf("restartCount", true),
    leaf("resurrectCount", true),
    leaf("memAvgBytes", true),
    leaf("memMaxBytes", true),
    leaf("memCurrentBytes", true),
    leaf("cpuAvgUsage", true),
    leaf("cpuMaxUsage", true),
    leaf("cpuCurrentUsage", true),
    leaf("netRxBytes", true),
    leaf("netTxBytes", true),
    leaf("durationMillis", true),
    leaf("runTimeSecs", true),
    leaf("metamorph", true),
    leaf("computeUnits", true),
];

const OPTIONS: &[Node] = &[
    leaf("build", false),
    leaf("timeoutSecs", true),
    leaf("memoryMbytes", false),
    leaf("diskMbytes", false),
    leaf("maxItems", true),
    leaf("maxTotalChargeUsd", true),
];

const RUN: &[Node] = &[
    leaf("id", false),
    leaf("actId", false),
    leaf("userId", false),
    leaf("actorTaskId", false),
    leaf("startedAt", false),
    leaf("finishedAt", false),
    leaf("status", false),
    leaf("statusMessage", true),
    leaf("isStatusMessageTerminal", true),
    object("meta", META),
    object("stats", STATS),
    object("options", OPTIONS),
    leaf("buildId", false),
    leaf("buildNumber", false),
    leaf("exitCode", true),
    leaf("generalAccess", false),
    leaf("defaultKeyValueStoreId", false),
    leaf("defaultDatasetId", false),
    leaf("defaultRequestQueueId", false),
    leaf("storageIds", false),
    leaf("containerUrl", false),
    leaf("isContainerServerReady", true),
    leaf("gitBranchName", false),
    leaf("usage", false),
    leaf("usageTotalUsd", true),
    leaf("usageUsd", false),
    leaf("pricingInfo", false),
    leaf("chargedEventCounts", false),
    leaf("platformUsageBillingModel", false),
    leaf("metamorphs", false),
];

const EVENT_DATA: &[Node] = &[
    leaf("actorId", false),
    leaf("actorTaskId", false),
    leaf("actorRunId", false),
    leaf("actorBuildId", false),
];

/// The platform's variables.
pub(crate) const ROOT: &[Node] = &[
    leaf("userId", false),
    leaf("createdAt", false),
    leaf("eventType", false),
    object("eventData", EVENT_DATA),
    object("resource", RUN),
];

/// What a dot path is, as far as we know.
pub(crate) enum PathInfo {
    /// Known, or below a free-form value.
    Known { falsy: bool },
    /// `segment` does not exist under `parent`; `suggestion` is the closest name.
    Unknown {
        parent: String,
        segment: String,
        suggestion: Option<&'static str>,
    },
}

pub(crate) fn describe(path: &str) -> PathInfo {
    let mut nodes = ROOT;
    let mut parent = String::new();
    let mut falsy = false;
    for segment in path.split('.') {
        let Some(node) = nodes.iter().find(|n| n.name == segment) else {
            let names: Vec<&'static str> = nodes.iter().map(|n| n.name).collect();
            return PathInfo::Unknown {
                parent,
                segment: segment.to_owned(),
                suggestion: crate::suggest::did_you_mean(segment, &names),
            };
        };
        falsy = node.falsy;
        match node.children {
            Some(children) => nodes = children,
            None => return PathInfo::Known { falsy },
        }
        if !parent.is_empty() {
            parent.push('.');
        }
        parent.push_str(segment);
    }
    PathInfo::Known { falsy }
}
