/*
 * The console's placement view: the placement service's last plans (GET /api/v1/placement/plans, through the
 * broker, every 5 s), each decision with its action, provider, VNF type, site, cost and reason, every demand left
 * unserved with why, and an Approve button for decisions waiting for approval
 * (POST /api/v1/placement/decisions/{id}/approve). Registers itself with console.js.
 */
(function () {
  'use strict';

  const POLL_MS = 5000;
  let api = null;
  let section = null;
  let lastSig = null;

  function h(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'dataset') Object.assign(e.dataset, v); else if (v !== undefined && v !== null) e.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }

  function build() {
    section = h('section', {id: 'placement', class: 'placement', 'aria-labelledby': 'placement-heading'},
      h('h2', {id: 'placement-heading'}, 'Placement plans'),
      h('p', {id: 'placement-message', class: 'message', role: 'status', hidden: ''}),
      h('div', {id: 'placement-plans'}, h('p', {class: 'empty'}, 'Loading placement plans…')));
    document.getElementById('app').append(section);
    section.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-decision-id]');
      if (b) approve(b.dataset.decisionId, b);
    });
  }

  function message(kind, text) {
    const m = document.getElementById('placement-message');
    m.className = 'message ' + kind;
    m.textContent = text;
    m.hidden = !text;
  }

  function money(v) {
    return (v >= 0 ? '+' : '') + Number(v).toFixed(2) + ' EUR/h';
  }

  function render(data) {
    const sig = JSON.stringify(data);
    if (sig === lastSig) return;
    lastSig = sig;
    const awaiting = new Set(data.awaiting || []);
    const box = document.getElementById('placement-plans');
    box.replaceChildren();
    if (!data.plans || !data.plans.length) {
      box.append(h('p', {class: 'empty'}, 'No placement plan yet.'));
      return;
    }
    for (const p of data.plans) {
      const rows = p.decisions.map((d) => h('tr', {dataset: {decisionId: d.decisionId}},
        h('td', {class: 'action-' + d.action}, d.action),
        h('td', {}, d.providerId),
        h('td', {}, d.vnfType),
        h('td', {}, d.fromSiteId ? `${d.fromSiteId} → ${d.siteId}` : d.siteId),
        h('td', {class: 'num'}, money(d.costPerHour)),
        h('td', {class: 'reason'}, d.reason),
        h('td', {}, awaiting.has(d.decisionId)
          ? h('button', {type: 'button', dataset: {decisionId: d.decisionId}}, 'Approve')
          : h('span', {class: 'muted'}, d.approval === 'AUTOMATIC' ? 'automatic' : 'approved'))));
      const plan = h('div', {class: 'plan', dataset: {planId: p.planId}},
        h('div', {class: 'plan-head'},
          h('strong', {class: 'mono'}, p.planId),
          h('span', {}, new Date(p.at).toLocaleString()),
          h('span', {class: 'muted'}, `trigger ${p.trigger.toLowerCase().replace(/_/g, ' ')}`),
          h('span', {class: 'muted'}, `objective ${Number(p.objective).toFixed(2)} EUR/h`)),
        rows.length ? h('table', {class: 'decisions'},
          h('thead', {}, h('tr', {}, ['Action', 'Provider', 'VNF', 'Site', 'Cost', 'Reason', 'Approval'].map((t) => h('th', {scope: 'col'}, t)))),
          h('tbody', {}, rows)) : h('p', {class: 'empty'}, 'No change.'),
        p.unserved.length ? h('ul', {class: 'unserved'}, p.unserved.map((u) =>
          h('li', {}, `${u.vnfType} at ${u.switchId}: ${Number(u.bandwidthMbps).toFixed(0)} Mbit/s unserved (${u.constraint}) — ${u.reason}`))) : null);
      box.append(plan);
    }
  }

  async function poll() {
    try {
      const r = await api.request('GET', '/placement/plans');
      if (r.ok) {
        render(r.body);
      } else if (r.status !== 401) {
        lastSig = null;
        document.getElementById('placement-plans').replaceChildren(h('p', {class: 'empty'}, api.problemText(r)));
      }
    } catch (e) {
      message('error', `Cannot read placement plans (${e.message || e}).`);
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  async function approve(decisionId, button) {
    button.disabled = true;
    message('pending', `Approving ${decisionId}…`);
    try {
      const r = await api.request('POST', `/placement/decisions/${encodeURIComponent(decisionId)}/approve`);
      if (r.ok) {
        message('ok', `Approved ${decisionId}: its commands are sent to the provider's domain.`);
      } else {
        message('error', `Approving failed — ${api.problemText(r)}`);
      }
    } catch (e) {
      message('error', `Approving failed — ${e.message || e}`);
    } finally {
      lastSig = null;
      const r = await api.request('GET', '/placement/plans').catch(() => null);
      if (r && r.ok) render(r.body);
    }
  }

  window.chainmarketConsole.register({
    start(helpers) {
      api = helpers;
      build();
      poll();
    }
  });
})();
