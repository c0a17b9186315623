"""Records webhook deliveries as JSON lines; prints its port on start."""
import http.server, json, sys

LOG = sys.argv[1]

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        payload = json.loads(body) if body else None
        with open(LOG, "a") as f:
            f.write(json.dumps({"path": self.path, "dispatch": self.headers.get("x-apify-webhook-dispatch-id"),
                                "event": (payload or {}).get("eventType")}) + "\n")
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass

server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
