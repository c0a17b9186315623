//! The runtime client against the emulator, end to end: the macro constant attached at run
//! start, and `Actor::add_webhook` from inside a run, each delivered exactly once.

use apify_webhooks::{Actor, ApifyClient, RunOptions, RunStatus, Webhooks, webhooks};
use apify_webhooks_emulator::{ActorSpec, Config, DEFAULT_TOKEN, Emulator, Outcome};
use apify_webhooks_examples::Receiver;
use std::time::Duration;

const AT_START: Webhooks = webhooks![{
    event_types: [ACTOR.RUN.SUCCEEDED],
    request_url: "http://127.0.0.1:8797/at-start",
    payload_template: r#"{"run": {{resource.id}}, "status": {{resource.status}}}"#,
}];

const FROM_THE_RUN: Webhooks = webhooks![{
    event_types: [ACTOR.RUN.ABORTED],
    request_url: "http://127.0.0.1:8797/from-the-run",
}];

#[tokio::test]
async fn runtime_and_emulator_together() {
    tokio::time::timeout(Duration::from_secs(30), async {
        let receiver = Receiver::start("127.0.0.1:8797").await.unwrap();
        let config = Config::default()
            .actor(
                "me/quick",
                ActorSpec::Scripted {
                    outcome: Outcome::Succeed,
                    delay: Duration::from_millis(50),
                },
            )
            .actor(
                "me/long",
                ActorSpec::Scripted {
                    outcome: Outcome::Succeed,
                    delay: Duration::from_secs(60),
                },
            );
        let emulator = Emulator::start(config).await.unwrap();
        let client = ApifyClient::builder()
            .token(DEFAULT_TOKEN)
            .base_url(emulator.url())
            .build()
            .unwrap();

        let run = client
            .actor("me/quick")
            .call(None, &RunOptions::new().webhooks(&AT_START))
            .await
            .unwrap();
        assert_eq!(run.status, RunStatus::Succeeded);

        let long = client
            .actor("me/long")
            .start(None, &RunOptions::new())
            .await
            .unwrap();
        let actor = Actor::new(client.clone(), long.id.clone());
        actor.add_webhooks(&FROM_THE_RUN).await.unwrap();
        actor.add_webhooks(&FROM_THE_RUN).await.unwrap(); // a restart registers again
        assert_eq!(emulator.webhooks().len(), 2, "one per key");
        client.abort_run(&long.id).await.unwrap();

        assert!(emulator.settle(Duration::from_secs(10)).await);
        let mut got: Vec<(String, serde_json::Value)> = receiver
            .snapshot()
            .into_iter()
            .map(|d| (d.path, d.body))
            .collect();
        got.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, "/at-start");
        assert_eq!(
            got[0].1,
            serde_json::json!({"run": run.id, "status": "SUCCEEDED"})
        );
        assert_eq!(got[1].0, "/from-the-run");
        assert_eq!(got[1].1["eventType"], "ACTOR.RUN.ABORTED");
        assert_eq!(got[1].1["resource"]["id"], long.id.as_str());
        emulator.shutdown().await;
    })
    .await
    .expect("bounded");
}
