"""The Python API client against the emulator."""
import os
from apify_client import ApifyClient
from apify_client.errors import ApifyApiError

failed = 0
def check(name, ok):
    global failed
    print(("PASS " if ok else "FAIL ") + name, flush=True)
    failed += 0 if ok else 1

client = ApifyClient(os.environ["APIFY_TOKEN"], api_url=os.environ["APIFY_API_BASE_URL"], max_retries=2)
webhooks = [{"event_types": ["ACTOR.RUN.SUCCEEDED"], "request_url": os.environ["RECEIVER"] + "/py-client"}]
run = client.actor("scripted/succeeds").call(run_input={"foo": "bar"}, webhooks=webhooks)
status = run.status if hasattr(run, "status") else run["status"]
check("py: call with webhooks (the run passes the client's validation)", str(getattr(status, "value", status)) == "SUCCEEDED")
try:
    client.actor("nobody/nothing").start()
    check("py: 404", False)
except ApifyApiError as e:
    check("py: 404 is NotFoundError", e.status_code == 404)
raise SystemExit(1 if failed else 0)
