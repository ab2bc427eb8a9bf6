// XenFlow fleet dashboard: served read-only by xenflow-agent(8) (see its
// "DASHBOARD") and read-write by xenflow-dashboard(8).  Polls
// /api/fleet.json, draws the physical topology (nodes, links with their
// latency and load) with the routers over it, and one panel per node and
// per router with plots of the last hour kept here, in the page (a ring
// buffer per figure): the fleet database holds no history.
//
// This file is the page's core; dashboard-path.js (the shortest path
// between two routers) and dashboard-actions.js (the buttons, when the
// server accepts actions) hook into it through 'extensions'.  Panels are
// kept from one refresh to the next, and only their figures are redrawn,
// so what the user typed or chose in a panel stays.
'use strict';

const PERIOD_MS = 5000;                 // Between two reads of the fleet.
const BUSY_PERIOD_MS = 2000;            // The same while an action runs.
const HISTORY_MS = 3600 * 1000;         // One hour of samples.
const SVG = 'http://www.w3.org/2000/svg';
const history = new Map();              // Key -> [[t, value]...].

// Other files' hooks, called in order after each refresh with the fleet
// and the number of the read that got it (see 'reads'):
// {refreshed(fleet, read), busy() -> true while they want faster
// refreshes}.
const extensions = [];

function el(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function html(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// Appends sample 'value' at time 't' to series 'key', keeping an hour.
function record(key, t, value) {
  if (value === undefined || value === null || isNaN(value)) return;
  let h = history.get(key);
  if (!h) history.set(key, h = []);
  if (h.length && h[h.length - 1][0] >= t) return;
  h.push([t, value]);
  while (h.length && h[0][0] < t - HISTORY_MS) h.shift();
}

// Per-second rate of counter 'key' over its last two samples, or null.
function rate(key) {
  const h = history.get(key);
  if (!h || h.length < 2) return null;
  const [t0, v0] = h[h.length - 2], [t1, v1] = h[h.length - 1];
  return t1 > t0 && v1 >= v0 ? (v1 - v0) * 1000 / (t1 - t0) : null;
}

// Series of per-second rates of counter 'key'.
function rates(key) {
  const h = history.get(key) || [], out = [];
  for (let i = 1; i < h.length; i++) {
    const dt = h[i][0] - h[i - 1][0], dv = h[i][1] - h[i - 1][1];
    if (dt > 0 && dv >= 0) out.push([h[i][0], dv * 1000 / dt]);
  }
  return out;
}

function sparkline(series) {
  const svg = el('svg', {class: 'spark', viewBox: '0 0 200 36'});
  if (series.length >= 2) {
    const t0 = series[0][0], t1 = series[series.length - 1][0];
    const max = Math.max(...series.map(p => p[1]), 1e-9);
    const pts = series.map(([t, v]) =>
      `${((t - t0) / Math.max(t1 - t0, 1) * 198 + 1).toFixed(1)},` +
      `${(34 - v / max * 32).toFixed(1)}`);
    svg.appendChild(el('polyline', {points: pts.join(' ')}));
  }
  return svg;
}

function fmt(x, unit) {
  if (x === null || x === undefined || isNaN(x)) return '–';
  const units = ['', 'k', 'M', 'G', 'T'];
  let i = 0;
  while (Math.abs(x) >= 1000 && i < units.length - 1) { x /= 1000; i++; }
  return `${x.toFixed(x < 10 && i ? 1 : 0)} ${units[i]}${unit}`;
}

// A link's measured latency in ms, or null when it has none.
function linkLatency(l) {
  return typeof l.latency_ms === 'number' && isFinite(l.latency_ms)
         && l.latency_ms >= 0 ? l.latency_ms : null;
}

function fmtMs(ms) {
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

// Places nodes on a circle and each node's routers on a small one around it.
function layout(fleet) {
  const pos = new Map(), n = fleet.nodes.length;
  fleet.nodes.forEach((node, i) => {
    const a = 2 * Math.PI * i / Math.max(n, 1) - Math.PI / 2;
    const r = n > 1 ? 180 : 0;
    pos.set(node.name, [400 + r * Math.cos(a), 260 + r * Math.sin(a)]);
  });
  return pos;
}

// The node a router runs on: the one it should be on if that one reports
// it running, else any that reports it running (a migration not over
// yet), else the one the fleet puts it on.
function routerNode(r) {
  const running = r.reported.find(s => s.state === 'running'
                                       && s.node === r.node)
                  || r.reported.find(s => s.state === 'running');
  return running ? running.node : r.node;
}

// 'undeclared': a link the agents' probes found and no Link declares
// (drawn dashed); a declared link they report not seen gets "not-seen".
function drawLink(svg, pos, l, undeclared) {
  const [x1, y1] = pos.get(l.node1) || [0, 0];
  const [x2, y2] = pos.get(l.node2) || [0, 0];
  const cls = 'link' + (l.trusted ? ' trusted' : '')
              + (l.seen === false ? ' not-seen' : '')
              + (undeclared ? ' undeclared' : '')
              + (l.discovered_peer ? ' miswired' : '');
  const g = el('g', {class: cls, id: 'link-' + l.name});
  g.appendChild(el('line', {x1, y1, x2, y2}));
  const tx = (x1 + x2) / 2 + 4, ty = (y1 + y2) / 2 - 4;
  g.appendChild(el('text', {x: tx, y: ty},
                   `${l.name} (${l.port1}–${l.port2})`));
  // What the agents measured, if anything.
  const figures = [];
  if (l.seen === false) figures.push('not seen');
  if (l.discovered_peer) {
    figures.push('sees ' + Object.entries(l.discovered_peer)
      .map(([end, peer]) => `${end} <-> ${peer}`).join(', '));
  }
  const latency = linkLatency(l);
  if (latency !== null) figures.push(fmtMs(latency));
  if (typeof l.load_bps === 'number' && isFinite(l.load_bps)) {
    figures.push(fmt(l.load_bps, 'bit/s'));
  }
  if (figures.length) {
    g.appendChild(el('text', {x: tx, y: ty + 14, class: 'link-figures',
                              id: 'link-figures-' + l.name},
                     figures.join(', ')));
  }
  svg.appendChild(g);
}

function drawTopology(fleet) {
  const svg = document.getElementById('topology');
  svg.replaceChildren();
  const pos = layout(fleet);
  for (const l of fleet.links) drawLink(svg, pos, l, false);
  for (const u of fleet.undeclared_links || []) {
    if (!pos.has(u.node1) || !pos.has(u.node2)) continue;
    const name = `undeclared-${u.node1}-${u.port1}-${u.node2}-${u.port2}`;
    drawLink(svg, pos, Object.assign({name, trusted: false}, u), true);
  }
  const byNode = new Map();
  for (const r of fleet.routers) {
    const n = routerNode(r);
    if (!byNode.has(n)) byNode.set(n, []);
    byNode.get(n).push(r);
  }
  for (const node of fleet.nodes) {
    const [x, y] = pos.get(node.name);
    const up = node.agent_state === 'up' && node.power === 'on';
    const g = el('g', {class: 'node' + (up ? '' : ' down'),
                       id: 'node-' + node.name});
    g.appendChild(el('circle', {cx: x, cy: y, r: 34}));
    g.appendChild(el('text', {x: x - 30, y: y + 4}, node.name));
    svg.appendChild(g);
    const routers = byNode.get(node.name) || [];
    routers.forEach((r, i) => {
      const a = 2 * Math.PI * i / routers.length - Math.PI / 4;
      const rx = x + 62 * Math.cos(a), ry = y + 62 * Math.sin(a);
      const state = (r.reported.find(s => s.node === node.name) || {}).state
                    || 'pending';
      const rg = el('g', {class: 'router ' + state, id: 'router-' + r.name,
                          'data-node': node.name});
      rg.appendChild(el('line', {x1: x, y1: y, x2: rx, y2: ry}));
      rg.appendChild(el('circle', {cx: rx, cy: ry, r: 12}));
      rg.appendChild(el('text', {x: rx + 14, y: ry + 4}, r.name));
      svg.appendChild(rg);
    });
  }
  const nets = document.getElementById('networks');
  nets.replaceChildren(...fleet.networks.map(n => html('span',
    {class: 'network', id: 'network-' + n.name},
    `${n.name}: ${n.vlan <= 4094 ? "VLAN" : "id"} ${n.vlan}` +
    (n.links.length ? ` over ${n.links.join(', ')}` : ' (local)'))));
}

function row(table, name, value) {
  const tr = html('tr');
  tr.appendChild(html('td', {}, name));
  tr.appendChild(html('td', {}, value));
  table.appendChild(tr);
}

// The panel of 'kind' ("node" or "router") named 'name', the one of the
// last refresh if there was one: a heading and an "info" part redrawn on
// each refresh; the extensions add their own parts once.
function panel(kind, name) {
  const id = `${kind}-panel-${name}`;
  let p = document.getElementById(id);
  if (!p) {
    p = html('div', {class: 'panel', id});
    p.appendChild(html('h3', {}, name));
    p.appendChild(html('div', {class: 'info'}));
  }
  return p;
}

// Makes 'panels' the children of 'box', in order, moving a panel only if
// it is out of place (a move would take the focus from its inputs).
function placePanels(box, panels) {
  const keep = new Set(panels);
  for (const p of [...box.children]) if (!keep.has(p)) p.remove();
  panels.forEach((p, i) => {
    if (box.children[i] !== p) box.insertBefore(p, box.children[i] || null);
  });
}

// CPU use and memory of 'node': live if the serving agent runs on it, else
// what its agent wrote in its Node status ("cpu", "memory-available-mb").
function nodeFigures(fleet, node, t, info) {
  const cpuKey = 'node-cpu:' + node.name;
  if (node.name === fleet.served_by && fleet.node_stats) {
    const s = fleet.node_stats;
    const busy = Object.entries(s.cpu_seconds)
      .filter(([m]) => m !== 'idle' && m !== 'iowait')
      .reduce((a, [, v]) => a + v, 0);
    record(cpuKey, fleet.time, busy);
    const used = s.memory_total_bytes - s.memory_available_bytes;
    record('node-mem:' + node.name, fleet.time, used);
    row(t, 'CPU use', fmt((rate(cpuKey) || 0) * 100 / s.cpus, '%'));
    row(t, 'memory', `${fmt(used, 'B')} of ${fmt(s.memory_total_bytes, 'B')}`);
    info.push(sparkline(rates(cpuKey)));
    return;
  }
  const st = node.status || {};
  if ('cpu' in st) {
    const when = node.last_seen ? node.last_seen * 1000 : fleet.time;
    record(cpuKey + ':db', when, +st.cpu);
    row(t, 'CPU use', fmt(+st.cpu, '%'));
  }
  if ('memory-available-mb' in st && +st['memory-available-mb'] >= 0) {
    row(t, 'memory', `${st['memory-available-mb']} MB available`);
  }
  if ('cpu' in st) info.push(sparkline(history.get(cpuKey + ':db') || []));
}

function nodePanels(fleet) {
  const panels = fleet.nodes.map(node => {
    const p = panel('node', node.name);
    const t = html('table'), info = [t];
    row(t, 'agent', node.agent_state || 'never seen');
    row(t, 'power', `${node.power} (${node.admin_state})` +
        (node.fenced ? ', fenced: its routers restart elsewhere' : ''));
    row(t, 'capacity', `${node.cpus} CPUs, ${node.memory_mb} MB`);
    nodeFigures(fleet, node, t, info);
    if (node.error) info.push(html('div', {class: 'error'}, node.error));
    p.querySelector('.info').replaceChildren(...info);
    return p;
  });
  placePanels(document.getElementById('node-panels'), panels);
}

// What XenFlow knows of router 'r': live from the serving node's switch
// if the router is there, else from the figures the router's node wrote in
// its Router_State (status keys "xenflow-*", every stats-interval).
function xenflowFigures(fleet, r, rep) {
  const sw = fleet.switch && fleet.switch.routers[r.name];
  if (sw) {
    return {t: fleet.switch.updated || fleet.time, stale: fleet.switch.stale,
            from: fleet.switch.node, ...sw};
  }
  const st = rep.status || {};
  if (!('xenflow-routes' in st)) return null;
  return {t: rep.updated ? rep.updated * 1000 : fleet.time,
          stale: false, from: rep.node + ' (database)',
          routes: +st['xenflow-routes'],
          routes_installed: +st['xenflow-routes-installed'],
          neighbors: +st['xenflow-neighbors'],
          flows: +st['xenflow-flows'],
          flows_pending: +st['xenflow-flows-pending'],
          routed_packets: +st['xenflow-routed-packets'],
          to_vm_packets: +st['xenflow-to-vm-packets'],
          client_state: st['xenflow-client'] || '–'};
}

// Appends the rows of XenFlow's figures 'x' of router 'name' to 'tab'.
function xenflowRows(tab, name, x) {
  const k = n => `router-${n}:${name}`;
  record(k('routed'), x.t, x.routed_packets);
  record(k('to-vm'), x.t, x.to_vm_packets);
  row(tab, 'routes', x.routes_installed === x.routes ? `${x.routes}`
      : `${x.routes_installed} of ${x.routes} installed`);
  if (x.neighbors !== undefined) row(tab, 'neighbours', `${x.neighbors}`);
  row(tab, 'flows', `${x.flows}` +
      (x.flows_pending ? ` (${x.flows_pending} pending)` : ''));
  const routed = html('td', {id: 'routed-' + name},
                      `${x.routed_packets} (${fmt(rate(k('routed')), 'pps')})`);
  const tr = html('tr');
  tr.appendChild(html('td', {}, 'routed'));
  tr.appendChild(routed);
  tab.appendChild(tr);
  row(tab, 'to VM', `${x.to_vm_packets} (${fmt(rate(k('to-vm')), 'pps')})`);
  row(tab, 'client', x.client_state);
  row(tab, 'switch', x.from + (x.stale ? ' (stale)' : ''));
}

// The Router_State row that speaks for 'r': where it runs, else the first.
function routerReport(r) {
  const node = routerNode(r);
  return r.reported.find(s => s.node === node && s.state === 'running')
         || r.reported.find(s => s.node === node)
         || r.reported[0] || {status: {}};
}

function routerPanels(fleet) {
  const panels = fleet.routers.map(r => {
    const rep = routerReport(r);
    const st = rep.status || {}, t = rep.updated ? rep.updated * 1000 : fleet.time;
    const k = n => `router-${n}:${r.name}`;
    const packets = (+st['rx-packets'] || 0) + (+st['tx-packets'] || 0);
    record(k('packets'), t, 'rx-packets' in st ? packets : undefined);
    record(k('cpu'), t, +st['cpu-time-ns'] / 1e9);
    const p = panel('router', r.name);
    const tab = html('table');
    row(tab, 'state', `${rep.state || 'pending'} (wanted ${r.state})`);
    row(tab, 'node', rep.node ? rep.node + (rep.node !== r.node
                                            ? ` (wanted on ${r.node})` : '')
                              : `${r.node} (not reported)`);
    row(tab, 'size', `${r.vcpus} vCPU, ${r.memory_mb} MB` +
        (r.cpu_weight !== null ? `, weight ${r.cpu_weight}` : '') +
        (r.cpu_cap !== null ? `, cap ${r.cpu_cap}%` : ''));
    row(tab, 'interfaces', r.interfaces.map(i => `${i.name}@${i.network}`)
        .join(', ') || 'none');
    row(tab, 'packets', 'rx-packets' in st
        ? `${packets} (${fmt(rate(k('packets')), 'pps')})` : '–');
    row(tab, 'CPU', 'cpu-time-ns' in st
        ? fmt((rate(k('cpu')) || 0) * 100, '%') : '–');
    row(tab, 'memory', 'memory-kib' in st
        ? fmt(st['memory-kib'] * 1024, 'B') : '–');
    const x = xenflowFigures(fleet, r, rep);
    if (x) xenflowRows(tab, r.name, x);
    const info = [tab, sparkline(rates(k(x ? 'routed' : 'packets')))];
    if (rep.error) info.push(html('div', {class: 'error'}, rep.error));
    p.querySelector('.info').replaceChildren(...info);
    return p;
  });
  placePanels(document.getElementById('router-panels'), panels);
}

// One read of the fleet at a time; refreshSoon() brings the next one
// forward (after an action), never running two at once.
let timer = null, due = Infinity, reading = false, again = false;
let reads = 0;                          // Reads of the fleet started.

async function refresh() {
  if (reading) { again = true; return; }
  reading = true;
  clearTimeout(timer);
  timer = null;
  due = Infinity;
  const status = document.getElementById('status');
  const read = ++reads;
  try {
    const resp = await fetch('api/fleet.json', {cache: 'no-store'});
    if (!resp.ok) throw new Error(`${resp.status} ${resp.statusText}`);
    const fleet = await resp.json();
    drawTopology(fleet);
    nodePanels(fleet);
    routerPanels(fleet);
    for (const x of extensions) x.refreshed(fleet, read);
    status.className = '';
    status.textContent = `served by ${fleet.served_by}, ` +
      `${fleet.nodes.length} nodes, ${fleet.routers.length} routers, ` +
      new Date(fleet.time).toLocaleTimeString();
  } catch (e) {
    status.className = 'error';
    status.textContent = 'cannot read api/fleet.json: ' + e.message;
  }
  reading = false;
  if (again) {
    again = false;
    refreshSoon(0);
  } else {
    refreshSoon(extensions.some(x => x.busy()) ? BUSY_PERIOD_MS : PERIOD_MS);
  }
}

// Reads the fleet within 'ms' (sooner if already due).
function refreshSoon(ms) {
  if (reading) { again = again || ms < PERIOD_MS; return; }
  const when = Date.now() + ms;
  if (timer !== null && due <= when) return;
  clearTimeout(timer);
  due = when;
  timer = setTimeout(() => { timer = null; due = Infinity; refresh(); }, ms);
}

// After every script of the page has run (the extensions are in).
document.addEventListener('DOMContentLoaded', refresh);
