#! /usr/bin/python3
# Copyright (c) 2026 The XenFlow authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at:
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

"""Drives the XenFlow dashboard (xenflow/dashboard/) of a read-write
server (xenflow-dashboard) in headless Chromium through Selenium and
chromium-driver (Debian's python3-selenium and chromium-driver):

  1. loads the page, with no browser console error (any SEVERE entry of
     the browser log fails, here and at every later step);
  2. checks the nodes (--expect-nodes), every link of /api/fleet.json and
     the router are drawn;
  3. with --expect-routed-growth, waits until the router panel's routed
     packet count grows (the calling test sends traffic);
  4. optionally (--path-to) checks the shortest path from the router to
     another one is printed and highlighted;
  5. screenshots overview.png and router-panel.png into --shots;
  6. logs in with the token of --token-file;
  7. with --bad-input, checks the router panel refuses bad CPU shares
     without asking the server, and the server refuses (400, 409) an
     action on a router that does not exist, an unknown or incomplete
     one and bad JSON, changing nothing;
  8. chooses --target-node in the router's migration list, clicks
     Migrate, accepts the confirmation, checks the panel's message says
     "ok", and waits until the topology draws the router on the target
     node and the message says it runs there; screenshot after.png;
  9. from the page, POSTs a migration back without a token (401 expected)
     and with a wrong one (403 expected), and checks nothing changed.

Prints one line per step.  Exits 0 if all passed, 1 with the reason of
the first failure (and failure.png in --shots), 77 if Selenium or
chromedriver is missing (autotest's "skipped")."""

import argparse
import json
import os
import sys
import time

try:
    from selenium import webdriver
    from selenium.common.exceptions import (NoSuchElementException,
                                            TimeoutException,
                                            StaleElementReferenceException,
                                            WebDriverException)
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError as e:
    print("skipped: no Selenium (python3-selenium): %s" % e)
    sys.exit(77)

CHROMEDRIVER = "/usr/bin/chromedriver"


class Failure(Exception):
    pass


def step(text):
    print(text, flush=True)


class Browser:
    def __init__(self, url, timeout):
        self.url = url.rstrip("/") + "/"
        self.timeout = timeout
        options = webdriver.ChromeOptions()
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--window-size=1400,1100"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER),
                                       options=options)
        self.driver.set_script_timeout(timeout)

    def quit(self):
        self.driver.quit()

    def wait(self, what, condition, timeout=None):
        """Waits until condition(driver) is true; fails saying 'what'.
        An element replaced while the condition read it (the page redraws
        the topology on each refresh) only means: look again."""
        try:
            return WebDriverWait(
                self.driver, timeout or self.timeout, poll_frequency=0.25,
                ignored_exceptions=[StaleElementReferenceException]
            ).until(condition)
        except TimeoutException:
            raise Failure("%s: not within %g s" % (what,
                                                   timeout or self.timeout))

    def find(self, element_id):
        try:
            return self.driver.find_element(By.ID, element_id)
        except NoSuchElementException:
            return None

    def need(self, element_id, what):
        e = self.find(element_id)
        if e is None:
            raise Failure("%s: no element #%s on the page" % (what,
                                                              element_id))
        return e

    def console_errors(self, refused_posts=False):
        """Fails if the browser logged an error since the last call, but
        for the refused POSTs to api/action if 'refused_posts'."""
        expected = "api/action - Failed to load resource"
        errors = [e for e in self.driver.get_log("browser")
                  if e.get("level") == "SEVERE"
                  and not (refused_posts and expected in e.get("message"))]
        if errors:
            raise Failure("browser console error: " + "; ".join(
                e.get("message", "?") for e in errors))

    def fetch(self, path, method="GET", headers=None, body=None):
        """Requests 'path' from the page's own context; returns
        (status, parsed JSON or text)."""
        result = self.driver.execute_async_script("""
            const [path, method, headers, body, done] = arguments;
            fetch(path, {method, headers, body, cache: 'no-store'})
              .then(r => r.text().then(t => done([r.status, t])))
              .catch(e => done([0, String(e)]));""",
            path, method, headers or {}, body)
        status, text = result
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def fleet(self):
        status, fleet = self.fetch("api/fleet.json")
        if status != 200 or not isinstance(fleet, dict):
            raise Failure("api/fleet.json: HTTP %s: %s" % (status, fleet))
        return fleet

    def read(self, element_id, get):
        """get(element) of element 'element_id', or None if there is none;
        read again if the page replaced the element meanwhile."""
        for _ in range(10):
            e = self.find(element_id)
            try:
                return get(e) if e is not None else None
            except StaleElementReferenceException:
                time.sleep(0.05)
        raise Failure("#%s: replaced on every read" % element_id)

    def router_node(self, router):
        return self.read("router-" + router,
                         lambda e: e.get_attribute("data-node"))

    def routed(self, router):
        word = self.read("routed-" + router, lambda e: e.text.split(" ")[0])
        return int(word) if word is not None and word.isdigit() else None


def load(b, expect_nodes, router):
    b.driver.get(b.url)
    status = b.find("status")
    if status is None:
        text = b.driver.execute_script(
            "return document.body ? document.body.innerText : ''")
        raise Failure("%s is not the dashboard (no #status); the browser "
                      "shows: %s" % (b.url, " ".join(text.split())[:200]))
    b.wait("the page's first read of api/fleet.json",
           lambda d: status.text.startswith(("served by", "cannot read")))
    if not status.text.startswith("served by"):
        raise Failure("the page says: " + status.text)
    b.console_errors()
    step("loaded %s: %s" % (b.url, status.text))

    fleet = b.fleet()
    drawn = sorted(e.get_attribute("id")[len("node-"):] for e in
                   b.driver.find_elements(By.CSS_SELECTOR,
                                          "#topology g.node"))
    if expect_nodes is not None and drawn != sorted(expect_nodes):
        raise Failure("nodes drawn: %s, expected: %s"
                      % (", ".join(drawn) or "none",
                         ", ".join(sorted(expect_nodes))))
    links = [l["name"] for l in fleet["links"]]
    missing = [l for l in links if b.find("link-" + l) is None]
    if missing:
        raise Failure("links of api/fleet.json not drawn: "
                      + ", ".join(missing))
    step("drawn: nodes %s, links %s" % (", ".join(drawn),
                                         ", ".join(links) or "none"))

    node = b.router_node(router)
    if node is None:
        raise Failure("router %s is not drawn (no #router-%s in the "
                      "topology)" % (router, router))
    b.need("router-panel-" + router, "router %s's panel" % router)
    step("router %s drawn on node %s, with its panel" % (router, node))
    return fleet, node


def routed_growth(b, router):
    first = b.wait("router %s's panel shows a routed packet count "
                   "(#routed-%s)" % (router, router),
                   lambda d: b.routed(router) is not None
                   and (b.routed(router),))[0]
    last = b.wait("router %s's routed packet count grows from %d"
                  % (router, first),
                  lambda d: (b.routed(router) or 0) > first
                  and (b.routed(router),))[0]
    b.console_errors()
    step("router %s routed packets: %d, then %d" % (router, first, last))


def shortest_path(b, router, other):
    Select(b.need("path-from", "the path tool")).select_by_value(router)
    Select(b.need("path-to", "the path tool")).select_by_value(other)
    result = b.need("path-result", "the path tool")
    b.wait("the shortest path from %s to %s" % (router, other),
           lambda d: result.text.startswith(router + " ("))
    lit = b.driver.find_elements(By.CSS_SELECTOR,
                                 "#topology .node.on-path")
    if not lit:
        raise Failure("shortest path %s: no node highlighted" % result.text)
    step("shortest path: %s (%d nodes highlighted)" % (result.text,
                                                        len(lit)))


def screenshots(b, router, shots):
    b.driver.save_screenshot(os.path.join(shots, "overview.png"))
    panel = b.need("router-panel-" + router, "router %s's panel" % router)
    b.driver.execute_script("arguments[0].scrollIntoView();", panel)
    panel.screenshot(os.path.join(shots, "router-panel.png"))
    b.driver.execute_script("window.scrollTo(0, 0);")
    step("screenshots: overview.png, router-panel.png")


def login(b, token, router):
    if b.fleet().get("actions") is not True:
        raise Failure('the server does not take actions (api/fleet.json '
                      'has no "actions": true)')
    box = b.need("login-box", "the login box")
    b.wait("the login box shown", lambda d: box.is_displayed())
    b.need("token", "the login box").send_keys(token)
    b.need("login", "the login box").click()
    logout = b.need("logout", "the login box")
    b.wait("logged in (the log out button shown)",
           lambda d: logout.is_displayed())
    b.wait("the Migrate button of %s enabled" % router,
           lambda d: b.find("migrate-" + router) is not None
           and b.find("migrate-" + router).is_enabled())
    if b.driver.execute_script("return document.cookie") or \
       token in b.driver.current_url:
        raise Failure("the token went into a cookie or the URL")
    b.console_errors()
    step("logged in")


def desired(fleet):
    """What the actions could change in 'fleet'."""
    return ([(r["name"], r["node"], r["state"], r["cpu_weight"], r["cpu_cap"])
             for r in fleet["routers"]],
            [(n["name"], n["admin_state"], n["power"])
             for n in fleet["nodes"]])


def bad_input(b, token, router):
    before = desired(b.fleet())
    key = "router %s's panel" % router
    msg = b.need("action-msg-" + router, key)
    for weight, cap in (("0", ""), ("70000", ""), ("", ""), ("256", "12801")):
        for field, value in (("cpu-weight-", weight), ("cpu-cap-", cap)):
            e = b.need(field + router, key)
            e.clear()
            e.send_keys(value)
        b.need("set-cpu-" + router, key).click()
        b.wait("a message on weight %r, cap %r" % (weight, cap),
               lambda d: msg.text.startswith("CPU "))
        if expected_conditions.alert_is_present()(b.driver):
            raise Failure("weight %r, cap %r: a confirmation, not a refusal"
                          % (weight, cap))
        step("weight %r, cap %r: %s" % (weight, cap, msg.text))
    for field in ("cpu-weight-", "cpu-cap-"):
        b.need(field + router, key).clear()
    auth = {"Content-Type": "application/json",
            "Authorization": "Bearer " + token}
    for what, body, want in (
            ("no such router", {"action": "router-start",
                                "router": "no-such-router-" + router}, 409),
            ("an unknown action", {"action": "router-explode",
                                   "router": router}, 400),
            ("no node", {"action": "router-migrate", "router": router}, 400),
            ("not JSON", "{router-start", 400)):
        text = body if isinstance(body, str) else json.dumps(body)
        status, reply = b.fetch("api/action", "POST", auth, text)
        if status != want or not isinstance(reply, dict) \
           or not reply.get("error"):
            raise Failure("an action with %s: HTTP %s %s, expected %d with "
                          'an "error"' % (what, status, reply, want))
        step("an action with %s: HTTP %d: %s" % (what, status,
                                                  reply["error"]))
    after = desired(b.fleet())
    if after != before:
        raise Failure("bad input changed the fleet: %s, then %s"
                      % (before, after))
    b.console_errors(refused_posts=True)
    step("bad input: nothing changed")


def migrate(b, router, source, target):
    sel = b.need("migrate-target-" + router, "router %s's panel" % router)
    # The list is filled when the user goes to it.
    sel.click()
    offered = [o.get_attribute("value") for o in Select(sel).options
               if o.get_attribute("value")]
    if target not in offered:
        raise Failure("router %s's migration list offers %s, not %s"
                      % (router, ", ".join(offered) or "nothing", target))
    Select(sel).select_by_value(target)
    b.need("migrate-" + router, "router %s's panel" % router).click()
    b.wait("a confirmation", expected_conditions.alert_is_present())
    alert = b.driver.switch_to.alert
    question = alert.text
    alert.accept()
    step("migrate %s to %s: confirmed \"%s\"" % (router, target, question))

    msg = b.need("action-msg-" + router, "router %s's panel" % router)
    b.wait("the server's answer in #action-msg-%s" % router,
           lambda d: msg.text and "sending" not in msg.text)
    if not msg.text.startswith("ok"):
        raise Failure("migrate %s to %s: the panel says: %s"
                      % (router, target, msg.text))
    step("answer: %s" % msg.text.replace("\n", " / "))

    b.wait("router %s drawn on node %s (still on %s)"
           % (router, target, b.router_node(router)),
           lambda d: b.router_node(router) == target)
    step("router %s drawn on node %s (was %s)" % (router, target, source))
    b.wait("the panel's message following the migration to its end "
           "(it says: %s)" % msg.text.replace("\n", " / "),
           lambda d: "running on " + target in msg.text)
    step("panel: %s" % msg.text.replace("\n", " / "))
    b.console_errors()
    b.driver.save_screenshot(os.path.join(b.shots, "after.png"))
    step("screenshot: after.png")


def refused(b, router, source, target):
    body = json.dumps({"action": "router-migrate", "router": router,
                       "node": source})
    for what, headers, want in (
            ("no token", {"Content-Type": "application/json"}, 401),
            ("a wrong token", {"Content-Type": "application/json",
                               "Authorization": "Bearer not-the-token"},
             403)):
        status, reply = b.fetch("api/action", "POST", headers, body)
        if status != want:
            raise Failure("a migration with %s: HTTP %s (%s), expected %d"
                          % (what, status, reply, want))
        if not isinstance(reply, dict) or not reply.get("error"):
            raise Failure('a migration with %s: HTTP %d without an '
                          '"error": %s' % (what, status, reply))
        step("a migration with %s: HTTP %d: %s"
             % (what, status, reply["error"]))
    time.sleep(2)
    fleet = b.fleet()
    r = next((r for r in fleet["routers"] if r["name"] == router), None)
    if r is None or r["node"] != target:
        raise Failure("after the refused requests router %s is wanted on "
                      "%s, not %s" % (router, r and r["node"], target))
    b.console_errors(refused_posts=True)
    b.driver.refresh()
    b.wait("the page reloaded",
           lambda d: b.router_node(router) is not None)
    if b.router_node(router) != target:
        raise Failure("after the refused requests router %s is drawn on %s"
                      % (router, b.router_node(router)))
    b.console_errors()
    step("nothing changed: router %s still on %s" % (router, target))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True,
                    help="the dashboard, e.g. http://127.0.0.1:9476/")
    ap.add_argument("--token-file", required=True,
                    help="a file holding the dashboard's token")
    ap.add_argument("--router", required=True, help="the router to move")
    ap.add_argument("--target-node", required=True,
                    help="the node to move it to")
    ap.add_argument("--shots", required=True,
                    help="the directory for the screenshots")
    ap.add_argument("--expect-nodes", metavar="A,B,C",
                    help="exactly these nodes are drawn")
    ap.add_argument("--expect-routed-growth", action="store_true",
                    help="wait until the router's routed count grows")
    ap.add_argument("--bad-input", action="store_true",
                    help="check bad CPU shares are refused in the page, "
                    "and bad actions by the server, changing nothing")
    ap.add_argument("--path-to", metavar="ROUTER",
                    help="check the shortest path from --router to ROUTER")
    ap.add_argument("--timeout", type=float, default=60,
                    help="seconds each step may wait (default 60)")
    a = ap.parse_args()

    try:
        with open(a.token_file) as f:
            token = f.read().strip()
    except OSError as e:
        print("FAILED: --token-file: %s" % e, file=sys.stderr)
        return 1
    if not token:
        print("FAILED: --token-file: %s is empty" % a.token_file,
              file=sys.stderr)
        return 1
    os.makedirs(a.shots, exist_ok=True)
    expect = a.expect_nodes.split(",") if a.expect_nodes else None

    if not os.access(CHROMEDRIVER, os.X_OK):
        print("skipped: no %s (chromium-driver)" % CHROMEDRIVER)
        return 77
    try:
        b = Browser(a.url, a.timeout)
    except WebDriverException as e:
        print("FAILED: cannot start Chromium through %s: %s"
              % (CHROMEDRIVER, e.msg), file=sys.stderr)
        return 1
    b.shots = a.shots
    try:
        fleet, source = load(b, expect, a.router)
        if source == a.target_node:
            raise Failure("router %s is already on %s: nothing to migrate"
                          % (a.router, a.target_node))
        if a.expect_routed_growth:
            routed_growth(b, a.router)
        if a.path_to:
            shortest_path(b, a.router, a.path_to)
        screenshots(b, a.router, a.shots)
        login(b, token, a.router)
        if a.bad_input:
            bad_input(b, token, a.router)
        migrate(b, a.router, source, a.target_node)
        refused(b, a.router, source, a.target_node)
    except (Failure, WebDriverException) as e:
        why = str(e) if isinstance(e, Failure) else "WebDriver: %s" % e.msg
        print("FAILED: %s" % why, file=sys.stderr)
        try:
            b.driver.save_screenshot(os.path.join(a.shots, "failure.png"))
        except WebDriverException:
            pass
        return 1
    finally:
        b.quit()
    step("PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
