"""A local HTTP server for the download tests: serves files from a folder; under /drop/ it announces the whole
length but closes the connection halfway. Prints the port it listens on, then serves until it is killed."""
import http.server
import os
import sys

root = sys.argv[1]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        drop = self.path.startswith("/drop/")
        name = self.path[len("/drop/"):] if drop else self.path.lstrip("/")
        path = os.path.join(root, os.path.basename(name))
        if not os.path.isfile(path):
            self.send_error(404)
            return
        body = open(path, "rb").read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if drop:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(2)
            self.close_connection = True
        else:
            self.wfile.write(body)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
