// XenFlow fleet dashboard: the actions, shown only when the server says it
// takes them ("actions": true in /api/fleet.json: xenflow-dashboard(8)
// started with a token; xenflow-agent(8)'s page stays read-only).
//
// The token is typed in the header's login box and kept in the tab's
// sessionStorage (never a cookie or the URL); "log out" forgets it.  Each
// router panel has Start, Stop, Migrate (to a node chosen in a list), Set
// CPU (weight, optional cap); each node panel Evacuate (optionally
// powering it off) and Power on.  Every action asks for confirmation,
// POSTs to api/action with "Authorization: Bearer TOKEN", says in the
// panel's message (#action-msg-NAME) what the server answered, then
// follows the operation in the fleet's reports until it is over (e.g. a
// migration until the router is reported running on the target node).
// The controls are made once per panel and kept across refreshes, so
// what the user typed or chose stays.  Needs dashboard.js.
'use strict';

const TOKEN_KEY = 'xenflow-dashboard-token';
const FOLLOW_MS = 10 * 60 * 1000;       // Give up following after that.

let actionsOn = false;                  // The server takes actions.
let lastFleet = null;                   // As of the last refresh.
const inFlight = new Set();             // Panel keys with a POST going on.

// Per panel key ("router:r1", "node:a"): {cls, text, progress, follow,
// since, read}, 'follow(fleet)' -> {text, done} while the operation runs,
// on the fleet as read from read number 'read' on (one started once the
// server had answered: dashboard.js's 'reads').
const messages = new Map();

function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch (e) {
    return '';
  }
}

function setToken(token) {
  try {
    if (token) {
      sessionStorage.setItem(TOKEN_KEY, token);
    } else {
      sessionStorage.removeItem(TOKEN_KEY);
    }
    return true;
  } catch (e) {
    return false;
  }
}

function byId(id) {
  return document.getElementById(id);
}

function findRouter(fleet, name) {
  return fleet && fleet.routers.find(r => r.name === name);
}

function findNode(fleet, name) {
  return fleet && fleet.nodes.find(n => n.name === name);
}

// "a migrating, c running" from 'r''s Router_State rows.
function reportedText(r) {
  if (!r.reported.length) return 'nothing reported yet';
  return r.reported.map(s => `${s.node} ${s.state}` +
                        (s.error ? ` (${s.error})` : '')).join(', ');
}

// Following operations: each returns a function of the fleet that says
// where the operation is, and whether it is over.

function followStart(name) {
  return fleet => {
    const r = findRouter(fleet, name);
    if (!r) return {text: `${name} no longer exists`, done: true};
    const s = r.reported.find(x => x.node === r.node);
    if (s && s.state === 'running') {
      return {text: `${name} is running on ${r.node}`, done: true};
    }
    if (s && s.state === 'error') {
      return {text: `starting ${name} failed: ${reportedText(r)}`,
              done: true};
    }
    return {text: `starting ${name} on ${r.node}: ${reportedText(r)}`};
  };
}

function followStop(name) {
  return fleet => {
    const r = findRouter(fleet, name);
    if (!r) return {text: `${name} no longer exists`, done: true};
    if (r.reported.some(x => x.state === 'error')) {
      return {text: `stopping ${name} failed: ${reportedText(r)}`,
              done: true};
    }
    if (r.reported.every(x => x.state === 'stopped')) {
      return {text: `${name} is stopped` +
              (r.reported.length ? ` on ${r.reported[0].node}` : ''),
              done: true};
    }
    return {text: `stopping ${name}: ${reportedText(r)}`};
  };
}

function followMigration(name, from, to) {
  return fleet => {
    const r = findRouter(fleet, name);
    if (!r) return {text: `${name} no longer exists`, done: true};
    const there = r.reported.find(x => x.node === to);
    if (there && there.state === 'running') {
      return {text: `migrated ${name} ${from} → ${to}: running on ${to}`,
              done: true};
    }
    if (there && there.state === 'error') {
      return {text: `migrating ${name} ${from} → ${to} failed: ` +
              reportedText(r), done: true};
    }
    if (r.node !== to) {
      return {text: `${name} is now wanted on ${r.node}, not ${to}: ` +
              reportedText(r), done: true};
    }
    return {text: `migrating ${name} ${from} → ${to}: ${reportedText(r)}`};
  };
}

function followCpu(name, weight, cap) {
  const asked = `weight ${weight}` + (cap !== null ? `, cap ${cap}%` : '');
  return fleet => {
    const r = findRouter(fleet, name);
    if (!r) return {text: `${name} no longer exists`, done: true};
    const s = r.reported.find(x => x.node === routerNode(r)
                                   && x.state === 'running');
    if (!s) {
      return {text: `${name} is not running: ${asked} applies when it ` +
              'starts', done: true};
    }
    const got = `weight ${s.cpu_weight ?? '–'}, cap ${s.cpu_cap ?? 0}%`;
    if (s.cpu_weight === weight && (cap === null || (s.cpu_cap ?? 0) === cap)) {
      return {text: `${name} on ${s.node} has ${got}`, done: true};
    }
    return {text: `${name}: ${asked} asked, ${s.node} reads back ${got}`};
  };
}

function followEvacuation(node, powerOff) {
  return fleet => {
    const n = findNode(fleet, node);
    if (!n) return {text: `${node} no longer exists`, done: true};
    const left = fleet.routers.filter(
      r => r.node === node || r.reported.some(s => s.node === node));
    if (left.length) {
      return {text: `evacuating ${node}: ${left.length} router` +
              (left.length === 1 ? '' : 's') + ' left (' +
              left.map(r => `${r.name} → ${r.node}: ${reportedText(r)}`)
                .join('; ') + ')'};
    }
    if (!powerOff) {
      return {text: `${node} is evacuated (${n.admin_state})`, done: true};
    }
    const agent = n.agent_state || 'unknown';
    if (agent === 'up' || agent === 'evacuating') {
      return {text: `${node} is evacuated; powering off (power ${n.power}, ` +
              `agent ${agent})`};
    }
    return {text: `${node} is evacuated and powering off (power ` +
            `${n.power}, agent ${agent})`, done: true};
  };
}

function followPowerOn(node) {
  return fleet => {
    const n = findNode(fleet, node);
    if (!n) return {text: `${node} no longer exists`, done: true};
    const agent = n.agent_state || 'unknown';
    if (n.power === 'on' && agent === 'up') {
      return {text: `${node} is up`, done: true};
    }
    return {text: `powering on ${node}: power ${n.power}, agent ${agent}`};
  };
}

// The message element of the panel 'key' ("router:r1"), if shown.
function messageElement(key) {
  const i = key.indexOf(':');
  const p = byId(`${key.slice(0, i)}-panel-${key.slice(i + 1)}`);
  return p && p.querySelector('.action-msg');
}

function showMessage(key) {
  const e = messageElement(key), m = messages.get(key);
  if (!e) return;
  if (!m) {
    e.replaceChildren();
    return;
  }
  const parts = [html('div', {class: 'outcome ' + m.cls}, m.text)];
  if (m.progress) parts.push(html('div', {class: 'progress'}, m.progress));
  e.replaceChildren(...parts);
}

function say(key, cls, text, follow) {
  messages.set(key, {cls, text, follow, since: Date.now(), read: reads + 1,
                     progress: follow ? 'waiting for the fleet…' : ''});
  showMessage(key);
}

// Updates the progress of message 'm' from 'fleet' got by read 'read'.
function advance(m, fleet, read) {
  if (!m.follow || read < m.read) return;
  const p = m.follow(fleet);
  m.progress = p.text;
  if (p.done) {
    m.follow = null;
  } else if (Date.now() - m.since > FOLLOW_MS) {
    m.progress = `still not over after ${FOLLOW_MS / 60000} min, no ` +
      `longer followed: ${p.text}`;
    m.follow = null;
  }
}

// POSTs action 'body' ('what' says it to the user) for panel 'key', and
// follows it with 'follow' once the server took it.
async function send(key, body, what, follow) {
  const token = getToken();
  if (!token) {
    say(key, 'error', `${what}: log in first (the token, at the top)`);
    return;
  }
  if (!window.confirm(`${what}?`)) {
    say(key, '', `${what}: cancelled`);
    return;
  }
  say(key, 'pending', `${what}: sending…`);
  inFlight.add(key);
  updateControls();
  let status = 0, reply = null;
  try {
    const resp = await fetch('api/action', {
      method: 'POST', cache: 'no-store',
      headers: {'Content-Type': 'application/json',
                'Authorization': 'Bearer ' + token},
      body: JSON.stringify(body)});
    status = resp.status;
    reply = await resp.json().catch(() => null);
  } catch (e) {
    say(key, 'error', `${what}: no answer from the server (${e.message})`);
  }
  inFlight.delete(key);
  updateControls();
  if (!status) return;
  if (status === 200 && reply && reply.ok) {
    const out = String(reply.output || '').trim().split('\n')[0];
    say(key, 'ok', `ok: ${what}` + (out ? ` (${out})` : ''), follow);
  } else if (status === 202) {
    say(key, 'pending', `${what}: sent, not committed within 10 s; ` +
        'following it', follow);
  } else {
    const why = reply && typeof reply.error === 'string' && reply.error
      ? reply.error : `HTTP ${status}`;
    say(key, 'error', `${what}: refused: ${why}` +
        (status === 401 || status === 403
         ? ' (log out, then in with the right token)' : ''));
  }
  refreshSoon(1000);
}

// A whole number from 'min' to 'max' typed in input 'id', null if the
// input is empty and 'optional', else undefined after saying why.
function number(key, id, what, min, max, optional) {
  const input = byId(id), text = input.value.trim();
  if (text === '' && optional && !input.validity.badInput) return null;
  if (/^[0-9]+$/.test(text) && +text >= min && +text <= max) return +text;
  say(key, 'error', `${what}: type a whole number from ${min} to ${max}` +
      (optional ? ', or nothing' : '') +
      (text ? ` (not ${text})` : input.validity.badInput
       ? ' (that is not a number)' : ''));
  return undefined;
}

function routerAction(name, action) {
  const key = 'router:' + name, r = findRouter(lastFleet, name);
  if (!r) {
    say(key, 'error', `${name} is not in the fleet any more`);
    return;
  }
  const where = routerNode(r);
  if (action === 'router-start') {
    send(key, {action, router: name}, `start router ${name} on ${r.node}`,
         followStart(name));
  } else if (action === 'router-stop') {
    send(key, {action, router: name}, `stop router ${name} on ${where}`,
         followStop(name));
  } else if (action === 'router-migrate') {
    const node = byId('migrate-target-' + name).value;
    if (!node) {
      say(key, 'error', `migrate ${name}: choose the node to move it to`);
      return;
    }
    send(key, {action, router: name, node},
         `migrate router ${name} from ${where} to ${node}`,
         followMigration(name, where, node));
  } else if (action === 'router-set-cpu') {
    const weight = number(key, 'cpu-weight-' + name, 'CPU weight',
                          1, 65535, false);
    if (weight === undefined) return;
    const cap = number(key, 'cpu-cap-' + name, 'CPU cap', 0, 12800, true);
    if (cap === undefined) return;
    const body = {action, router: name, weight};
    if (cap !== null) body.cap = cap;
    send(key, body, `set the CPU share of router ${name} to weight ` +
         `${weight}` + (cap !== null ? `, cap ${cap}%` : ''),
         followCpu(name, weight, cap));
  }
}

function nodeAction(name, action) {
  const key = 'node:' + name;
  if (action === 'node-evacuate') {
    const powerOff = byId('evacuate-poweroff-' + name).checked;
    const body = {action, node: name};
    if (powerOff) body.power_off = true;
    send(key, body, `evacuate node ${name}` +
         (powerOff ? ' and power it off' : ''),
         followEvacuation(name, powerOff));
  } else if (action === 'node-power-on') {
    send(key, {action, node: name}, `power on node ${name}`,
         followPowerOn(name));
  }
}

function button(id, text, handler) {
  const b = html('button', {id, type: 'button', class: 'act'}, text);
  b.addEventListener('click', handler);
  return b;
}

function group(...children) {
  const g = html('span', {class: 'group'});
  g.append(...children);
  return g;
}

function routerControls(name) {
  const go = action => () => routerAction(name, action);
  const target = html('select', {id: 'migrate-target-' + name,
                                 'aria-label': `node to move ${name} to`});
  const weight = html('input', {id: 'cpu-weight-' + name, type: 'number',
                                min: 1, max: 65535, step: 1, class: 'num',
                                'aria-label': `CPU weight of ${name}`});
  const cap = html('input', {id: 'cpu-cap-' + name, type: 'number',
                             min: 0, max: 12800, step: 1, class: 'num',
                             placeholder: 'none',
                             'aria-label': `CPU cap of ${name} (%)`});
  return [
    group(button('start-' + name, 'Start', go('router-start')),
          button('stop-' + name, 'Stop', go('router-stop'))),
    group(target, button('migrate-' + name, 'Migrate', go('router-migrate'))),
    group('weight ', weight, ' cap ', cap, '% ',
          button('set-cpu-' + name, 'Set CPU', go('router-set-cpu'))),
  ];
}

function nodeControls(name) {
  const go = action => () => nodeAction(name, action);
  const label = html('label', {});
  label.append(html('input', {id: 'evacuate-poweroff-' + name,
                              type: 'checkbox'}), ' power off');
  return [
    group(button('evacuate-' + name, 'Evacuate', go('node-evacuate')), label),
    group(button('power-on-' + name, 'Power on', go('node-power-on'))),
  ];
}

// Adds the controls and the message element to panel 'kind-panel-name'
// if it has none yet.
function ensureControls(kind, name) {
  const p = byId(`${kind}-panel-${name}`);
  if (!p || p.querySelector('.actions')) return;
  const box = html('div', {class: 'actions'});
  box.append(...(kind === 'router' ? routerControls(name)
                                   : nodeControls(name)));
  const msg = html('div', {class: 'action-msg', id: 'action-msg-' + name,
                           role: 'status', 'aria-live': 'polite'});
  p.append(box, msg);
  showMessage(`${kind}:${name}`);
}

// Fills migration list 'sel' with the nodes it offers (sel.offer), keeping
// the choice while it is still offered.
function fillTargets(sel) {
  const want = sel.offer.map(o => o.value + '\t' + o.label).join('\n');
  if (sel.dataset.offer === want) return;
  const chosen = sel.value;
  sel.replaceChildren(html('option', {value: ''}, 'to node…'),
                      ...sel.offer.map(o => html('option', {value: o.value},
                                                 o.label)));
  sel.dataset.offer = want;
  if (sel.offer.some(o => o.value === chosen)) sel.value = chosen;
}

// Makes the migration list of router 'r' offer the other nodes.  A list
// is filled only once the user goes to it (or has chosen from it): with
// 50 nodes and 1,000 routers, filling them all would put 49,000 options
// in the page on every refresh.
function offerTargets(r, fleet) {
  const sel = byId('migrate-target-' + r.name);
  const label = n => n.name +
    (n.admin_state !== 'enabled' ? ` (${n.admin_state})` : '') +
    (n.power !== 'on' ? ` (power ${n.power})` : '');
  sel.offer = fleet.nodes.filter(n => n.name !== r.node)
                         .map(n => ({value: n.name, label: label(n)}));
  if (!sel.dataset.lazy) {
    sel.dataset.lazy = 'yes';
    sel.append(html('option', {value: ''}, 'to node…'));
    for (const e of ['focus', 'mousedown', 'keydown']) {
      sel.addEventListener(e, () => fillTargets(sel));
    }
  }
  if (sel.value || document.activeElement === sel) fillTargets(sel);
}

// Enables the buttons when logged in and no request of theirs is going
// on, and shows the login box or the "log out" button.
function updateControls() {
  const token = getToken();
  byId('login-box').hidden = !actionsOn;
  byId('token').hidden = byId('login').hidden = !!token;
  byId('logout').hidden = byId('logged-in').hidden = !token;
  for (const b of document.querySelectorAll('.panel button.act')) {
    const p = b.closest('.panel');
    const key = p.id.replace(/^(router|node)-panel-/, '$1:');
    b.disabled = !token || inFlight.has(key);
    b.title = token ? '' : 'log in first (the token, at the top)';
  }
}

extensions.push({
  refreshed(fleet, read) {
    lastFleet = fleet;
    actionsOn = fleet.actions === true;
    for (const [key, m] of messages) {
      const before = m.progress;
      advance(m, fleet, read);
      if (m.progress !== before) showMessage(key);
    }
    if (!actionsOn) {
      for (const e of document.querySelectorAll('.panel .actions, ' +
                                                '.panel .action-msg')) {
        e.remove();
      }
    } else {
      for (const n of fleet.nodes) ensureControls('node', n.name);
      for (const r of fleet.routers) {
        ensureControls('router', r.name);
        offerTargets(r, fleet);
        byId('cpu-weight-' + r.name).placeholder =
          r.cpu_weight !== null ? r.cpu_weight : 'weight';
      }
    }
    updateControls();
  },
  busy() {
    return [...messages.values()].some(m => m.follow);
  },
});

document.addEventListener('DOMContentLoaded', () => {
  byId('login-box').addEventListener('submit', e => {
    e.preventDefault();
    const input = byId('token'), token = input.value.trim();
    const state = byId('login-state');
    if (!token) {
      state.textContent = 'type the token first';
    } else if (!setToken(token)) {
      state.textContent = 'this browser keeps no session storage';
    } else {
      state.textContent = '';
    }
    input.value = '';
    updateControls();
  });
  byId('logout').addEventListener('click', () => {
    setToken('');
    byId('login-state').textContent = 'logged out';
    updateControls();
  });
  updateControls();
});
