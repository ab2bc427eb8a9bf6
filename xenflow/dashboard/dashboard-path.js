// XenFlow fleet dashboard: the shortest path between two routers (VNEXT's
// tool).  Routers sit on nodes; the path goes from the first router's node
// to the second's over the fleet's links (Dijkstra), by hops or by the
// latency the agents measured ("latency_ms" of a link; a link without one
// counts 1 ms).  It is highlighted over the topology and printed in
// #path-result; the choices (#path-from, #path-to, #path-metric) stay
// across refreshes.  Needs dashboard.js.
'use strict';

const UNMEASURED_MS = 1;        // What a link without a latency counts.

// The cheapest way from node 'src' to node 'dst' over 'links' by 'metric'
// ("hops" or "latency"): {nodes: [names], links: [link objects]}, or null
// if there is none.  Ties go to the other metric, then the first link.
function shortestPath(nodes, links, src, dst, metric) {
  const ms = l => linkLatency(l) ?? UNMEASURED_MS;
  const cost = metric === 'latency' ? ms : () => 1;
  const tie = metric === 'latency' ? () => 1 : ms;
  const dist = new Map(nodes.map(n => [n, [Infinity, Infinity]]));
  const prev = new Map(), done = new Set();
  if (!dist.has(src) || !dist.has(dst)) return null;
  dist.set(src, [0, 0]);
  const less = (a, b) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  for (;;) {
    let u = null;
    for (const [n, d] of dist) {
      if (!done.has(n) && d[0] < Infinity && (u === null
                                             || less(d, dist.get(u)))) {
        u = n;
      }
    }
    if (u === null || u === dst) break;
    done.add(u);
    for (const l of links) {
      const v = l.node1 === u ? l.node2 : l.node2 === u ? l.node1 : null;
      if (v === null || done.has(v) || !dist.has(v)) continue;
      const d = dist.get(u), alt = [d[0] + cost(l), d[1] + tie(l)];
      if (less(alt, dist.get(v))) {
        dist.set(v, alt);
        prev.set(v, [u, l]);
      }
    }
  }
  if (dist.get(dst)[0] === Infinity) return null;
  const path = {nodes: [dst], links: []};
  for (let n = dst; n !== src;) {
    const [u, l] = prev.get(n);
    path.nodes.unshift(u);
    path.links.unshift(l);
    n = u;
  }
  return path;
}

// What #path-result says of 'path' from router 'a' on node 'na' to router
// 'b' on 'nb'.
function describePath(a, na, b, nb, path, metric) {
  if (!path) return `no path from ${a} (${na}) to ${b} (${nb})`;
  const hops = path.links.length;
  const middle = path.nodes.slice(1, -1);
  const words = hops === 0
    ? [`${a} (${na}) → ${b} (${nb})`]
    : [`${a} (${na})`, ...middle, `${nb} (${b})`];
  let text = `${words.join(' → ')}: ${hops} hop${hops === 1 ? '' : 's'}`;
  const unmeasured = path.links.filter(l => linkLatency(l) === null).length;
  const ms = path.links.reduce((s, l) => s + (linkLatency(l) ?? 0), 0);
  if (hops && unmeasured === 0) {
    text += `, ${fmtMs(ms)}`;
  } else if (hops && metric === 'latency') {
    text += `, ${fmtMs(ms + unmeasured * UNMEASURED_MS)} (${unmeasured} ` +
      `link${unmeasured === 1 ? '' : 's'} without a latency counted ` +
      `${UNMEASURED_MS} ms)`;
  }
  return text;
}

// Makes <select> 'sel' offer 'names' (after a "choose" entry), keeping
// what was chosen while it is still there.
function offer(sel, names) {
  const have = [...sel.options].map(o => o.value).slice(1);
  if (have.join('\n') === names.join('\n')) return;
  const chosen = sel.value;
  sel.replaceChildren(html('option', {value: ''}, '–'),
                      ...names.map(n => html('option', {value: n}, n)));
  sel.value = names.includes(chosen) ? chosen : '';
}

let pathFleet = null;

// Draws the chosen path over the topology just drawn.
function showPath() {
  const result = document.getElementById('path-result');
  const fleet = pathFleet;
  const a = document.getElementById('path-from').value;
  const b = document.getElementById('path-to').value;
  const metric = document.getElementById('path-metric').value;
  for (const e of document.querySelectorAll('#topology .on-path')) {
    e.classList.remove('on-path');
  }
  const ra = fleet && fleet.routers.find(r => r.name === a);
  const rb = fleet && fleet.routers.find(r => r.name === b);
  if (!ra || !rb) {
    result.textContent = 'choose two routers';
    return;
  }
  const na = routerNode(ra), nb = routerNode(rb);
  const path = shortestPath(fleet.nodes.map(n => n.name), fleet.links,
                            na, nb, metric);
  result.textContent = describePath(a, na, b, nb, path, metric);
  if (!path) return;
  const ids = [...path.nodes.map(n => 'node-' + n),
               ...path.links.map(l => 'link-' + l.name),
               'router-' + a, 'router-' + b];
  for (const id of ids) {
    const e = document.getElementById(id);
    if (e) e.classList.add('on-path');
  }
}

extensions.push({
  refreshed(fleet) {
    pathFleet = fleet;
    const names = fleet.routers.map(r => r.name);
    offer(document.getElementById('path-from'), names);
    offer(document.getElementById('path-to'), names);
    showPath();
  },
  busy() { return false; },
});

document.addEventListener('DOMContentLoaded', () => {
  for (const id of ['path-from', 'path-to', 'path-metric']) {
    document.getElementById(id).addEventListener('change', showPath);
  }
});
