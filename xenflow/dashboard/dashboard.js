// XenFlow fleet dashboard (xenflow-agent(8), "DASHBOARD").  Polls
// /api/fleet.json, draws the physical topology (nodes, links) with the
// routers over it, and one panel per node and per router with plots of the
// last hour kept here, in the page (a ring buffer per figure): the fleet
// database holds no history.
'use strict';

const PERIOD_MS = 5000;
const HISTORY = 3600 * 1000 / PERIOD_MS;        // One hour of samples.
const SVG = 'http://www.w3.org/2000/svg';
const history = new Map();                      // Key -> [[t, value]...].

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

// Appends sample 'value' at time 't' to series 'key'.
function record(key, t, value) {
  if (value === undefined || value === null || isNaN(value)) return;
  let h = history.get(key);
  if (!h) history.set(key, h = []);
  if (h.length && h[h.length - 1][0] === t) return;
  h.push([t, value]);
  if (h.length > HISTORY) h.shift();
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

// The node a router runs on: the one that reports it running, else the
// one the fleet puts it on.
function routerNode(r) {
  const running = r.reported.find(s => s.state === 'running');
  return running ? running.node : r.node;
}

function drawTopology(fleet) {
  const svg = document.getElementById('topology');
  svg.replaceChildren();
  const pos = layout(fleet);
  for (const l of fleet.links) {
    const [x1, y1] = pos.get(l.node1) || [0, 0];
    const [x2, y2] = pos.get(l.node2) || [0, 0];
    const g = el('g', {class: 'link' + (l.trusted ? ' trusted' : ''),
                       id: 'link-' + l.name});
    g.appendChild(el('line', {x1, y1, x2, y2}));
    g.appendChild(el('text', {x: (x1 + x2) / 2 + 4, y: (y1 + y2) / 2 - 4},
                     `${l.name} (${l.port1}–${l.port2})`));
    svg.appendChild(g);
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
    `${n.name}: VLAN ${n.vlan}` +
    (n.links.length ? ` over ${n.links.join(', ')}` : ' (local)'))));
}

function row(table, name, value) {
  const tr = html('tr');
  tr.appendChild(html('td', {}, name));
  tr.appendChild(html('td', {}, value));
  table.appendChild(tr);
}

function nodePanels(fleet) {
  const box = document.getElementById('node-panels');
  box.replaceChildren();
  for (const node of fleet.nodes) {
    const p = html('div', {class: 'panel', id: 'node-panel-' + node.name});
    p.appendChild(html('h3', {}, node.name));
    const t = html('table');
    row(t, 'agent', node.agent_state || 'never seen');
    row(t, 'power', `${node.power} (${node.admin_state})`);
    row(t, 'capacity', `${node.cpus} CPUs, ${node.memory_mb} MB`);
    p.appendChild(t);
    if (node.name === fleet.served_by && fleet.node_stats) {
      const s = fleet.node_stats, key = 'node-cpu:' + node.name;
      const busy = Object.entries(s.cpu_seconds)
        .filter(([m]) => m !== 'idle' && m !== 'iowait')
        .reduce((a, [, v]) => a + v, 0);
      record(key, fleet.time, busy);
      const used = s.memory_total_bytes - s.memory_available_bytes;
      record('node-mem:' + node.name, fleet.time, used);
      row(t, 'CPU use', fmt((rate(key) || 0) * 100 / s.cpus, '%'));
      row(t, 'memory', `${fmt(used, 'B')} of ${fmt(s.memory_total_bytes, 'B')}`);
      p.appendChild(sparkline(rates(key)));
    }
    if (node.error) p.appendChild(html('div', {class: 'error'}, node.error));
    box.appendChild(p);
  }
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

function routerPanels(fleet) {
  const box = document.getElementById('router-panels');
  box.replaceChildren();
  for (const r of fleet.routers) {
    const rep = r.reported.find(s => s.state === 'running')
                || r.reported[0] || {status: {}};
    const st = rep.status || {}, t = rep.updated ? rep.updated * 1000 : fleet.time;
    const k = n => `router-${n}:${r.name}`;
    const packets = (+st['rx-packets'] || 0) + (+st['tx-packets'] || 0);
    record(k('packets'), t, 'rx-packets' in st ? packets : undefined);
    record(k('cpu'), t, +st['cpu-time-ns'] / 1e9);
    const p = html('div', {class: 'panel', id: 'router-panel-' + r.name});
    p.appendChild(html('h3', {}, r.name));
    const tab = html('table');
    row(tab, 'state', `${rep.state || 'pending'} (wanted ${r.state})`);
    row(tab, 'node', rep.node ? rep.node : `${r.node} (not reported)`);
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
    p.appendChild(tab);
    p.appendChild(sparkline(rates(k(x ? 'routed' : 'packets'))));
    if (rep.error) p.appendChild(html('div', {class: 'error'}, rep.error));
    box.appendChild(p);
  }
}

async function refresh() {
  const status = document.getElementById('status');
  try {
    const resp = await fetch('api/fleet.json', {cache: 'no-store'});
    if (!resp.ok) throw new Error(`${resp.status} ${resp.statusText}`);
    const fleet = await resp.json();
    drawTopology(fleet);
    nodePanels(fleet);
    routerPanels(fleet);
    status.className = '';
    status.textContent = `served by ${fleet.served_by}, ` +
      `${fleet.nodes.length} nodes, ${fleet.routers.length} routers, ` +
      new Date(fleet.time).toLocaleTimeString();
  } catch (e) {
    status.className = 'error';
    status.textContent = 'cannot read api/fleet.json: ' + e.message;
  }
}

refresh();
setInterval(refresh, PERIOD_MS);
