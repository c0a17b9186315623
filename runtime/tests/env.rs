//! `Actor::from_env` and `ApifyClient::from_env`. One test in its own process, because it
//! changes environment variables.

use apify_webhooks::client::Error;
use apify_webhooks::{Actor, ApifyClient};

fn set(vars: &[(&str, Option<&str>)]) {
    for (k, v) in vars {
        // SAFETY: this test binary has a single test and no other threads touch the environment.
        unsafe {
            match v {
                Some(v) => std::env::set_var(k, v),
                None => std::env::remove_var(k),
            }
        }
    }
}

#[test]
fn the_environment_decides() {
    let clear = [
        ("APIFY_IS_AT_HOME", None),
        ("ACTOR_RUN_ID", None),
        ("APIFY_ACTOR_RUN_ID", None),
        ("APIFY_TOKEN", None),
        ("APIFY_API_BASE_URL", None),
    ];
    set(&clear);
    assert!(matches!(ApifyClient::from_env(), Err(Error::MissingToken)));
    let local = Actor::from_env().unwrap();
    assert!(!local.is_at_home());

    // `0` means "not at home" (the Python SDK's reading).
    set(&[
        ("APIFY_IS_AT_HOME", Some("0")),
        ("ACTOR_RUN_ID", Some("r1")),
    ]);
    let a = Actor::from_env().unwrap();
    assert!(!a.is_at_home());
    assert_eq!(a.run_id(), Some("r1"));

    set(&[("APIFY_IS_AT_HOME", Some("1")), ("ACTOR_RUN_ID", None)]);
    assert!(matches!(Actor::from_env(), Err(Error::MissingRunId)));

    set(&[("APIFY_ACTOR_RUN_ID", Some("legacy1"))]);
    assert!(
        matches!(Actor::from_env(), Err(Error::MissingToken)),
        "at home a token is required"
    );

    set(&[
        ("APIFY_TOKEN", Some("t")),
        ("APIFY_API_BASE_URL", Some("http://127.0.0.1:1234/")),
    ]);
    let a = Actor::from_env().unwrap();
    assert!(a.is_at_home());
    assert_eq!(a.run_id(), Some("legacy1"));
    assert_eq!(
        ApifyClient::from_env().unwrap().base_url(),
        "http://127.0.0.1:1234"
    );

    set(&[("ACTOR_RUN_ID", Some("new1"))]);
    assert_eq!(
        Actor::from_env().unwrap().run_id(),
        Some("new1"),
        "ACTOR_RUN_ID wins over the legacy name"
    );
    set(&clear);
}
