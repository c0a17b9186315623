"""Writes starting inputs for the fuzz targets into corpus/ (not committed): every template of
the conformance set (with its option flags as the first byte) and a few webhooks parameters
and requests."""
import base64
import json
import os
import pathlib

here = pathlib.Path(__file__).parent
for target in ["template", "webhooks_param", "emulator_request"]:
    (here / "corpus" / target).mkdir(parents=True, exist_ok=True)
for i, line in enumerate(open(here / ".." / "core" / "tests" / "conformance" / "public.jsonl")):
    record = json.loads(line)
    if not isinstance(record.get("template"), str):
        continue
    flags = (1 if record["options"].get("interpolateStrings") else 0) | (0 if record.get("allowedVariables") else 2)
    (here / "corpus" / "template" / f"c{i:04}").write_bytes(bytes([flags]) + record["template"].encode("utf-8", "surrogatepass"))
defs = [{"eventTypes": ["ACTOR.RUN.FAILED"], "requestUrl": "https://example.com/run-failed"},
        {"eventTypes": ["ACTOR.RUN.SUCCEEDED"], "requestUrl": "https://example.com/x", "payloadTemplate": "{\"a\": {{resource}}}"}]
text = json.dumps(defs, separators=(",", ":"))
b64 = base64.b64encode(text.encode()).decode()
for name, value in {"b64": b64, "json": text, "url": b64.replace("=", "%3D")}.items():
    (here / "corpus" / "webhooks_param" / name).write_text(value)
requests = [
    (0, "?webhooks=" + b64.replace("=", "%3D") + "\n{}"),
    (3, "\n" + json.dumps({"isAdHoc": True, "eventTypes": ["ACTOR.RUN.SUCCEEDED"], "condition": {"actorRunId": "x"}, "requestUrl": "https://e.com", "idempotencyKey": "k"})),
    (4, "abc\n"), (8, "abc?waitForFinish=1\n"), (10, "s/records/INPUT\n{\"a\":1}"),
]
for i, (pick, rest) in enumerate(requests):
    (here / "corpus" / "emulator_request" / f"r{i}").write_bytes(bytes([pick]) + rest.encode())
print("seeds written")
