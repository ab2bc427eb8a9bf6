#! /usr/bin/python3
"""Helpers of benchmarks/dashboard-load.sh: a fleet of rows, its emulated
agents, readers of /api/fleet.json and page loads in headless Chromium.

Usage: dashboard-load.py populate SOCKET NODES ROUTERS NETWORKS
       dashboard-load.py agents SOCKET NODES INTERVAL REAL...
       dashboard-load.py readers URL THREADS SECONDS
       dashboard-load.py page URL NODES LOADS

"populate" inserts, in one transaction, the Fleet row, a template (driver
"test"), NODES Node rows (options:datapath-type=dummy, peer address
unix:nodeI-peer.sock) linked in a ring (link I: nodeI eth1 to nodeI+1
eth2, trusted), NETWORKS networks carried by every link, ROUTERS Router
rows spread over the nodes (router J on node J mod NODES, one interface
in network J mod NETWORKS), and for each node that is not node0 or node1
(the real agents' nodes, which write their own) the Node's agent columns
and status and a running Router_State row with the figures an agent
writes (xenflow/agent/fleet-stats.c's keys).

"agents" emulates the agents of every node but those named REAL...: each
writes its Node's last_seen and status and all its routers' Router_State
status and updated (every figure changed, as fleet-db-writers.py "write"
does) once per INTERVAL seconds, staggered over the interval, one
transaction in flight, until killed (SIGTERM).

"readers" runs THREADS threads that GET URL in a loop for SECONDS
seconds, each on its own keep-alive connection (http.client; a new one
only if the server closed it), and prints: requests, requests/s, p50 and
p99 latency in ms (request sent to last byte of the body read), bytes of
the last body, errors, and the CPU seconds the readers used.

"page" loads the dashboard at URL LOADS times in one headless Chromium
(Selenium and chromium-driver, as tests/xenflow-dashboard-browser.py
drives it) and prints the median, then every load: milliseconds from the
navigation's start (performance.timeOrigin) until the topology shows
NODES nodes (#topology g.node), timed in the page by a MutationObserver
installed before the page's scripts run.  Exits 77 if Selenium or
chromedriver is missing.
"""

import asyncio
import http.client
import importlib.util
import os
import statistics
import sys
import threading
import time
import urllib.parse

DB = "XenFlow_Fleet"
REAL = ("node0", "node1")

_spec = importlib.util.spec_from_file_location(
    "fleet_db_writers",
    os.path.join(os.path.dirname(os.path.abspath(__file__)),
                 "fleet-db-writers.py"))
writers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(writers)


def node_status(seq):
    return ["map", [["cpu", "%.1f" % (seq % 100)],
                    ["libvirt", "connected"],
                    ["memory-available-mb", str(100000 + seq)]]]


async def populate(path, n_nodes, n_routers, n_networks):
    now = int(time.time())
    ops = [{"op": "insert", "table": "Fleet", "row": {"name": "bench"}},
           {"op": "insert", "table": "Template", "uuid-name": "t",
            "row": {"name": "bench", "driver": "test", "vcpus": 1,
                    "memory_mb": 64}}]
    for i in range(n_nodes):
        row = {"name": "node%d" % i,
               "management_address": "10.0.%d.%d" % (i // 250, i % 250 + 1),
               "peer_address": "unix:node%d-peer.sock" % i,
               "cpus": 64, "memory_mb": 262144,
               "admin_state": "enabled", "power": "on",
               "options": ["map", [["datapath-type", "dummy"]]]}
        if "node%d" % i not in REAL:
            row.update({"agent_state": "up", "agent_version": "bench",
                        "last_seen": now, "status": node_status(i)})
        ops.append({"op": "insert", "table": "Node", "uuid-name": "n%d" % i,
                    "row": row})
    links = []
    n_links = n_nodes if n_nodes > 2 else n_nodes - 1
    for i in range(n_links):
        links.append(["named-uuid", "l%d" % i])
        ops.append({"op": "insert", "table": "Link", "uuid-name": "l%d" % i,
                    "row": {"name": "link%d" % i,
                            "node1": ["named-uuid", "n%d" % i],
                            "port1": "eth1",
                            "node2": ["named-uuid",
                                      "n%d" % ((i + 1) % n_nodes)],
                            "port2": "eth2", "trusted": True}})
    for k in range(n_networks):
        ops.append({"op": "insert", "table": "Network",
                    "uuid-name": "net%d" % k,
                    "row": {"name": "net%d" % k, "vlan": 100 + k,
                            "addresses": "10.%d.0.0/16" % (k + 1),
                            "links": ["set", links]}})
    for j in range(n_routers):
        node = j % n_nodes
        k = j % n_networks
        ops.append({"op": "insert", "table": "Router_Interface",
                    "uuid-name": "i%d" % j,
                    "row": {"name": "eth0",
                            "network": ["named-uuid", "net%d" % k],
                            "mac": "02:00:00:%02x:%02x:01" % (j >> 8,
                                                              j & 255),
                            "addresses": "10.%d.%d.%d/16"
                            % (k + 1, j // 250, j % 250 + 1)}})
        ops.append({"op": "insert", "table": "Router", "uuid-name": "r%d" % j,
                    "row": {"name": "router%d" % j,
                            "node": ["named-uuid", "n%d" % node],
                            "template": ["named-uuid", "t"],
                            "state": "running",
                            "interfaces": ["named-uuid", "i%d" % j]}})
        if "node%d" % node not in REAL:
            ops.append({"op": "insert", "table": "Router_State",
                        "row": {"name": "router%d" % j,
                                "node": "node%d" % node,
                                "router": ["named-uuid", "r%d" % j],
                                "state": "running", "updated": now,
                                "status": writers.figures(j)}})
    conn = await writers.Conn.open(path)
    reply = await conn.call("transact", [DB] + ops)
    errors = writers.txn_errors(reply)
    if errors:
        sys.exit("populate: " + "; ".join(errors))


async def agent(path, name, delay, interval):
    conn = await writers.Conn.open(path)
    await asyncio.sleep(delay)
    seq = 0
    while True:
        start = time.monotonic()
        seq += 1
        now = int(time.time())
        reply = await conn.call("transact", [
            DB,
            {"op": "update", "table": "Node", "where": [["name", "==", name]],
             "row": {"last_seen": now, "status": node_status(seq)}},
            {"op": "update", "table": "Router_State",
             "where": [["node", "==", name]],
             "row": {"updated": now, "status": writers.figures(seq)}}])
        errors = writers.txn_errors(reply)
        if errors:
            sys.exit("agents: %s: %s" % (name, errors[0]))
        await asyncio.sleep(max(0, interval - (time.monotonic() - start)))


async def agents(path, n_nodes, interval, real):
    names = ["node%d" % i for i in range(n_nodes)
             if "node%d" % i not in real]
    await asyncio.gather(*[agent(path, name, interval * i / len(names),
                                 interval)
                           for i, name in enumerate(names)])


def readers(url, n_threads, seconds):
    u = urllib.parse.urlsplit(url)
    target = u.path or "/"
    lock = threading.Lock()
    lat, errors, size = [], [], [0]
    deadline = time.monotonic() + seconds

    def reader():
        conn = None
        mine = []
        while time.monotonic() < deadline:
            if conn is None:
                conn = http.client.HTTPConnection(u.hostname, u.port,
                                                  timeout=30)
            start = time.monotonic()
            try:
                conn.request("GET", target)
                resp = conn.getresponse()
                body = resp.read()
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    errors.append(str(e) or type(e).__name__)
                conn.close()
                conn = None
                continue
            mine.append(time.monotonic() - start)
            if resp.status != 200:
                with lock:
                    errors.append("HTTP %d" % resp.status)
            else:
                size[0] = len(body)
            if resp.will_close:
                conn.close()
                conn = None
        with lock:
            lat.extend(mine)

    start = time.monotonic()
    threads = [threading.Thread(target=reader) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    lat.sort()
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 \
        if lat else 0
    print("%d %.1f %.1f %.1f %d %d %.2f" % (len(lat), len(lat) / elapsed,
                                            p(0.50), p(0.99), size[0],
                                            len(errors),
                                            time.process_time()))
    if errors:
        print("readers: first error: %s" % errors[0], file=sys.stderr)


# Installed before the page's own scripts: notes the time (ms since the
# navigation's start) when the topology first holds NODES nodes.
OBSERVER = """
(function () {
  const want = %d;
  const check = () => {
    if (window.__xfDrawn === undefined &&
        document.querySelectorAll('#topology g.node').length >= want) {
      window.__xfDrawn = performance.now();
    }
  };
  new MutationObserver(check).observe(document, {childList: true,
                                                 subtree: true});
})();
"""


def page(url, n_nodes, loads):
    try:
        from selenium import webdriver
        from selenium.common.exceptions import (TimeoutException,
                                                WebDriverException)
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError as e:
        print("page: no Selenium (python3-selenium): %s" % e,
              file=sys.stderr)
        return 77
    if not os.access("/usr/bin/chromedriver", os.X_OK):
        print("page: no /usr/bin/chromedriver (chromium-driver)",
              file=sys.stderr)
        return 77
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--window-size=1400,1100"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"),
                              options=options)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                               {"source": OBSERVER % n_nodes})
        times = []
        for _ in range(loads):
            driver.get("about:blank")
            driver.get(url)
            try:
                ms = WebDriverWait(driver, 60, poll_frequency=0.05).until(
                    lambda d: d.execute_script("return window.__xfDrawn;"))
            except TimeoutException:
                shown = driver.execute_script(
                    "return document.querySelectorAll"
                    "('#topology g.node').length;")
                print("page: %d nodes shown after 60 s, not %d"
                      % (shown, n_nodes), file=sys.stderr)
                return 1
            times.append(ms)
    except WebDriverException as e:
        print("page: WebDriver: %s" % e.msg, file=sys.stderr)
        return 1
    finally:
        driver.quit()
    print("%.0f %s" % (statistics.median(times),
                       " ".join("%.0f" % t for t in times)))
    return 0


def main():
    a = sys.argv[1:]
    if len(a) == 5 and a[0] == "populate":
        asyncio.run(populate(a[1], int(a[2]), int(a[3]), int(a[4])))
    elif len(a) >= 4 and a[0] == "agents":
        asyncio.run(agents(a[1], int(a[2]), float(a[3]), a[4:]))
    elif len(a) == 4 and a[0] == "readers":
        readers(a[1], int(a[2]), float(a[3]))
    elif len(a) == 4 and a[0] == "page":
        return page(a[1], int(a[2]), int(a[3]))
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main())
